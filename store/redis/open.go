package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Timeouts and pool settings, set explicitly (go-redis defaults would wait
// far longer than a webhook may).
const (
	dialTimeout  = 2 * time.Second
	ioTimeout    = 2 * time.Second
	poolTimeout  = 3 * time.Second
	poolSize     = 32
	minIdleConns = 2
)

// Open connects to Redis from a SIGNPOST_REDIS_URL:
//
//	redis://[:password@]host:6379[/db]        one node (rediss:// for TLS)
//	redis-sentinel://[:password@]host:26379[,host:26379…]/master-name   Sentinel
//	host:7000,host:7001,host:7002             Cluster (several addresses)
//	redis://host:7000?addr=host:7001&addr=…  Cluster, in go-redis's URL form
//
// Commands are never retried by the client: a script that may have run is
// not run again blindly (the store's inbox and dedupe marks make a
// provider's own retry safe instead).
func Open(raw string) (goredis.UniversalClient, error) {
	o := &goredis.UniversalOptions{DialTimeout: dialTimeout, ReadTimeout: ioTimeout, WriteTimeout: ioTimeout,
		PoolTimeout: poolTimeout, PoolSize: poolSize, MinIdleConns: minIdleConns, MaxRetries: -1}
	switch {
	case strings.HasPrefix(raw, "redis-sentinel://"):
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parsing sentinel url: %w", err)
		}
		o.MasterName = strings.Trim(u.Path, "/")
		if o.MasterName == "" {
			return nil, errors.New("sentinel url needs the master name as its path: redis-sentinel://host:26379/mymaster")
		}
		o.Addrs = strings.Split(u.Host, ",")
		if p, ok := u.User.Password(); ok {
			o.Password = p
		}
		return goredis.NewFailoverClient(o.Failover()), nil
	case strings.HasPrefix(raw, "redis://") || strings.HasPrefix(raw, "rediss://"):
		if strings.Contains(raw, "addr=") {
			co, err := goredis.ParseClusterURL(raw)
			if err != nil {
				return nil, fmt.Errorf("parsing cluster url: %w", err)
			}
			o.Addrs, o.Username, o.Password, o.TLSConfig = co.Addrs, co.Username, co.Password, co.TLSConfig
			return goredis.NewClusterClient(o.Cluster()), nil
		}
		so, err := goredis.ParseURL(raw)
		if err != nil {
			return nil, fmt.Errorf("parsing redis url: %w", err)
		}
		o.Addrs, o.Username, o.Password, o.DB, o.TLSConfig = []string{so.Addr}, so.Username, so.Password, so.DB, so.TLSConfig
		return goredis.NewClient(o.Simple()), nil
	case strings.Contains(raw, ","):
		o.Addrs = strings.Split(raw, ",")
		for i := range o.Addrs {
			o.Addrs[i] = strings.TrimSpace(o.Addrs[i])
		}
		return goredis.NewClusterClient(o.Cluster()), nil
	default:
		o.Addrs = []string{raw}
		return goredis.NewClient(o.Simple()), nil
	}
}

// SharedSalt returns the hash salt all processes share: the one stored in
// Redis, or a new random one stored there if none is (SET NX, so two
// processes starting together agree).
func SharedSalt(ctx context.Context, c goredis.UniversalClient, prefix string) (string, error) {
	var b [24]byte
	_, _ = rand.Read(b[:])
	if err := c.SetNX(ctx, saltKey(prefix), hex.EncodeToString(b[:]), 0).Err(); err != nil {
		return "", fmt.Errorf("storing hash salt: %w", err)
	}
	salt, err := c.Get(ctx, saltKey(prefix)).Result()
	if err != nil {
		return "", fmt.Errorf("reading hash salt: %w", err)
	}
	return salt, nil
}
