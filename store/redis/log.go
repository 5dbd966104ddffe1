package redis

import (
	"context"
	"fmt"
	"log/slog"

	goredis "github.com/redis/go-redis/v9"
)

// slogLogger sends go-redis's own log lines (reconnects, pool errors)
// through slog, so every log line stays JSON. They carry Redis addresses,
// never personal data.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Printf(ctx context.Context, format string, v ...any) {
	s.l.WarnContext(ctx, "redis client", "detail", fmt.Sprintf(format, v...))
}

// SetLogger routes go-redis's internal logging to l (process-wide).
func SetLogger(l *slog.Logger) { goredis.SetLogger(slogLogger{l}) }
