package redistest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestMain clears SIGNPOST_TEST_REDIS_URL: these tests are about the
// private server, which the variable would turn off.
func TestMain(m *testing.M) {
	os.Unsetenv(EnvURL)
	os.Exit(m.Run())
}

func TestStartSetGet(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") || s.URL() != "redis://"+s.Addr() {
		t.Fatalf("Addr %q URL %q", s.Addr(), s.URL())
	}
	if strings.HasSuffix(s.Addr(), ":6379") {
		t.Fatal("got the shared port 6379")
	}
	c := s.Client(t)
	k := s.Prefix() + "k"
	if err := c.Set(ctx(t), k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx(t), k).Result(); err != nil || got != "v" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	// The URL works for go-redis too.
	o, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	c2 := redis.NewClient(o)
	defer c2.Close()
	if got, err := c2.Get(ctx(t), k).Result(); err != nil || got != "v" {
		t.Fatalf("Get via URL = %q, %v", got, err)
	}
	if _, err := os.Stat(s.LogPath()); err != nil {
		t.Fatalf("log: %v", err)
	}
}

func TestRestartAppendOnlyKeepsData(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{AppendOnly: true})
	addr := s.Addr()
	c := s.Client(t)
	k := s.Prefix() + "k"
	if err := c.Set(ctx(t), k, "kept", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)
	if s.Addr() != addr {
		t.Fatalf("Addr after restart %q, want %q", s.Addr(), addr)
	}
	// The same client reconnects by itself.
	if got, err := c.Get(ctx(t), k).Result(); err != nil || got != "kept" {
		t.Fatalf("Get after restart = %q, %v", got, err)
	}
}

func TestRestartWithoutAppendOnlyLosesData(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	c := s.Client(t)
	k := s.Prefix() + "k"
	if err := c.Set(ctx(t), k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart(t)
	if err := c.Get(ctx(t), k).Err(); !errors.Is(err, redis.Nil) {
		t.Fatalf("Get after restart: err %v, want redis.Nil", err)
	}
}

func TestKillThenRestart(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{AppendOnly: true})
	c := s.Client(t)
	k := s.Prefix() + "k"
	if err := c.Set(ctx(t), k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Kill(t)
	if err := c.Ping(ctx(t)).Err(); err == nil {
		t.Fatal("PING answered after Kill")
	}
	s.Restart(t)
	// appendfsync always: an acknowledged write survives a crash.
	if got, err := c.Get(ctx(t), k).Result(); err != nil || got != "v" {
		t.Fatalf("Get after kill+restart = %q, %v", got, err)
	}
	// Stop, then Stop again (and Cleanup) are no-ops once stopped.
	s.Stop(t)
	s.Stop(t)
	s.Kill(t)
}

func TestTwoServers(t *testing.T) {
	t.Parallel()
	a := Start(t, Options{})
	b := Start(t, Options{})
	if a.Addr() == b.Addr() {
		t.Fatalf("both servers on %s", a.Addr())
	}
	if a.Dir() == b.Dir() {
		t.Fatalf("both servers in %s", a.Dir())
	}
	ca, cb := a.Client(t), b.Client(t)
	if err := ca.Set(ctx(t), "only-a", "1", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if n, err := cb.Exists(ctx(t), "only-a").Result(); err != nil || n != 0 {
		t.Fatalf("key leaked to the other server: %d, %v", n, err)
	}
}

func TestPrefixUnique(t *testing.T) {
	t.Parallel()
	a := Start(t, Options{})
	b := Start(t, Options{})
	if a.Prefix() == b.Prefix() || a.Prefix() != a.Prefix() {
		t.Fatalf("prefixes %q %q", a.Prefix(), b.Prefix())
	}
	seen := map[string]bool{}
	for range 1000 {
		p := NewPrefix()
		if !strings.HasPrefix(p, "t") || !strings.HasSuffix(p, ":") || seen[p] {
			t.Fatalf("bad or repeated prefix %q", p)
		}
		seen[p] = true
	}
}

func TestStartMain(t *testing.T) {
	s, stop, err := StartMain(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := s.Dir()
	if err := s.Client(t).Ping(ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
	stop()
	stop() // idempotent
	if ping(s.Addr()) == nil {
		t.Fatal("server answers after stop")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("dir %s left behind: %v", dir, err)
	}
}

func TestStartupFailureShowsLog(t *testing.T) {
	t.Parallel()
	// Occupy a port, then point a server at it: launch must fail with the
	// log's "Address already in use".
	a := Start(t, Options{})
	bin, err := findRedis()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{dir: t.TempDir(), port: a.port, addr: a.addr}
	s.log = s.dir + "/redis.log"
	err = s.launch(bin)
	if !errors.Is(err, errAddrInUse) || !strings.Contains(err.Error(), "Address already in use") {
		t.Fatalf("launch on a taken port: %v", err)
	}
}

func TestExternalURL(t *testing.T) {
	a := Start(t, Options{})
	t.Setenv(EnvURL, a.URL())
	s := Start(t, Options{})
	if s.Addr() != a.Addr() || s.URL() != a.URL() {
		t.Fatalf("external server at %s (%s), want %s", s.Addr(), s.URL(), a.Addr())
	}
	if s.proc != nil || s.Dir() != "" {
		t.Fatal("started a process despite " + EnvURL)
	}
	if s.Prefix() == a.Prefix() {
		t.Fatal("external server shares a prefix")
	}
	k := s.Prefix() + "k"
	if err := s.Client(t).Set(ctx(t), k, "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Client(t).Get(ctx(t), k).Result(); err != nil || got != "v" {
		t.Fatalf("Get on the real server = %q, %v", got, err)
	}

	t.Setenv(EnvURL, "redis://127.0.0.1:1") // nothing listens on port 1
	defer func(d time.Duration) { readyTimeout = d }(readyTimeout)
	readyTimeout = 500 * time.Millisecond
	if _, _, err := StartMain(Options{}); err == nil {
		t.Fatal("StartMain with an unreachable URL succeeded")
	}
}
