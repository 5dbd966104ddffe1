// Package redistest starts a private redis-server for tests.
//
// Every Server is its own redis-server child process on a free 127.0.0.1
// port, with its data and log in a fresh temporary directory; the machine's
// shared Redis (6379) is never used. Tests must not skip: when redis-server
// is not on PATH, Start fails the test.
//
// When SIGNPOST_TEST_REDIS_URL is set, no server is started: Start uses that
// Redis and keeps tests apart only through Prefix; nothing is flushed, and
// Stop, Restart and Kill fail the test because they need a private server.
package redistest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// EnvURL names the environment variable that, when set, makes Start use an
// existing Redis at that URL instead of starting a private server.
const EnvURL = "SIGNPOST_TEST_REDIS_URL"

// readyTimeout bounds the wait for PING to answer after a start (a
// variable for tests).
var readyTimeout = 10 * time.Second

const (
	stopTimeout  = 10 * time.Second // for the process to exit after SHUTDOWN or a signal
	portAttempts = 5                // fresh ports to try when one is taken
	sharedPort   = 6379             // the machine's Redis; never ours
	logTailLines = 20
)

// Options configures a Server.
type Options struct {
	// AppendOnly starts redis-server with --appendonly yes and
	// --appendfsync always, so data written before a Stop or Kill comes back
	// on Restart. Without it the server keeps nothing across a restart.
	AppendOnly bool
}

// Server is a private redis-server for one test (or one package's tests).
// Its methods are safe for concurrent use.
type Server struct {
	o      Options
	prefix string

	// external is set when SIGNPOST_TEST_REDIS_URL is used; then url is that
	// URL, addr its host:port, and there is no process.
	external bool
	extOpts  *redis.Options

	url, addr string
	port      int
	dir, log  string

	mu   sync.Mutex
	proc *process // nil when not running
}

// process is one run of redis-server.
type process struct {
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
}

// Start starts a private redis-server on a free 127.0.0.1 port in a fresh
// t.TempDir() (the data and redis.log live there), waits until it answers
// PING (10 s at most) and registers t.Cleanup to stop it.
//
// When SIGNPOST_TEST_REDIS_URL is set it starts nothing and uses that Redis
// (which must answer PING); tests then rely on Prefix to keep apart.
//
// Start fails the test (never skips it) when redis-server is not on PATH or
// does not start.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		s, err := external(u, o)
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		return s
	}
	bin, err := findRedis()
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	dir := t.TempDir() // before Cleanup below, so it is removed after the server stops
	s, err := startPrivate(bin, dir, o)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("redistest: %v", err)
		}
	})
	return s
}

// StartMain is Start for TestMain, where there is no testing.TB: it returns
// the server and a func that stops it and removes its directory (call it
// before os.Exit), or an error. Tests sharing the server should each use a
// distinct prefix from NewPrefix rather than the server's Prefix.
func StartMain(o Options) (*Server, func(), error) {
	if u := os.Getenv(EnvURL); u != "" {
		s, err := external(u, o)
		if err != nil {
			return nil, nil, err
		}
		return s, func() {}, nil
	}
	bin, err := findRedis()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "redistest-")
	if err != nil {
		return nil, nil, err
	}
	s, err := startPrivate(bin, dir, o)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			if err := s.stop(); err != nil {
				fmt.Fprintf(os.Stderr, "redistest: %v\n", err)
			}
			os.RemoveAll(dir)
		})
	}
	return s, stop, nil
}

// URL returns the server's URL, redis://127.0.0.1:PORT (or
// SIGNPOST_TEST_REDIS_URL as given).
func (s *Server) URL() string { return s.url }

// Addr returns the server's address, 127.0.0.1:PORT.
func (s *Server) Addr() string { return s.addr }

// Prefix returns a key prefix unique to this Server, like "t3f9a0c1e5b7d2468:".
// It is the same on every call. Tests share a Redis only through distinct
// prefixes; tests sharing one Server (StartMain) should use NewPrefix.
func (s *Server) Prefix() string { return s.prefix }

// Dir returns the server's data directory, where redis.log is too (empty
// with SIGNPOST_TEST_REDIS_URL).
func (s *Server) Dir() string { return s.dir }

// LogPath returns the path of the server's log file (empty with
// SIGNPOST_TEST_REDIS_URL).
func (s *Server) LogPath() string { return s.log }

// NewPrefix returns a new unique key prefix, like "t3f9a0c1e5b7d2468:".
func NewPrefix() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "t" + hex.EncodeToString(b[:]) + ":"
}

// Client returns a new go-redis client for the server with explicit
// timeouts (dial, read and write 2 s) and no retries, closed on t's cleanup.
// It reconnects by itself after Restart.
func (s *Server) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	var o redis.Options
	if s.external {
		o = *s.extOpts
	} else {
		o.Addr = s.addr
	}
	o.DialTimeout = 2 * time.Second
	o.ReadTimeout = 2 * time.Second
	o.WriteTimeout = 2 * time.Second
	o.MaxRetries = -1
	c := redis.NewClient(&o)
	t.Cleanup(func() { c.Close() })
	return c
}

// Stop shuts the server down cleanly and waits for it to exit: SHUTDOWN
// NOSAVE, or with AppendOnly a plain SHUTDOWN, which flushes the AOF. A
// stopped server can be started again with Restart. Stop on a server that is
// not running does nothing.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.needPrivate(t, "Stop")
	if err := s.stop(); err != nil {
		t.Fatalf("redistest: %v", err)
	}
}

// Restart stops the server (if running) and starts it again on the same
// port and directory, so AOF data comes back and clients reconnect to the
// same address, and waits until it answers PING.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.needPrivate(t, "Restart")
	if err := s.stop(); err != nil {
		t.Fatalf("redistest: %v", err)
	}
	bin, err := findRedis()
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	// The port was ours a moment ago; retry briefly in case something else
	// grabbed it meanwhile, but never move to another port.
	deadline := time.Now().Add(3 * time.Second)
	for {
		err = s.launch(bin)
		if err == nil {
			return
		}
		if !errors.Is(err, errAddrInUse) || time.Now().After(deadline) {
			t.Fatalf("redistest: restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Kill ends the server with SIGKILL, as in a crash, and waits for it to
// exit. Restart brings it back. Kill on a server that is not running does
// nothing.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.needPrivate(t, "Kill")
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return
	}
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		t.Fatalf("redistest: redis-server (pid %d) did not exit after SIGKILL", p.cmd.Process.Pid)
	}
}

func (s *Server) needPrivate(t testing.TB, op string) {
	t.Helper()
	if s.external {
		t.Fatalf("redistest: %s needs a private server, but %s is set", op, EnvURL)
	}
}

// findRedis returns the path of redis-server on PATH.
func findRedis() (string, error) {
	bin, err := exec.LookPath("redis-server")
	if err == nil {
		return bin, nil
	}
	if os.Getenv("CI") == "true" {
		return "", fmt.Errorf("redis-server not found; .ci/run installs it from Debian's redis-server package (%v)", err)
	}
	return "", fmt.Errorf("redis-server not found on PATH (%v); install it (apt-get install redis-server) or set %s", err, EnvURL)
}

// external makes a Server for the Redis at u, checking that it answers PING.
func external(u string, o Options) (*Server, error) {
	opts, err := redis.ParseURL(u)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", EnvURL, err)
	}
	s := &Server{o: o, prefix: NewPrefix(), external: true, extOpts: opts, url: u, addr: opts.Addr}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	for {
		err := c.Ping(ctx).Err()
		if err == nil {
			return s, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s=%s does not answer PING: %v", EnvURL, u, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startPrivate starts a Server in dir on a free port, trying a few ports if
// one turns out to be taken.
func startPrivate(bin, dir string, o Options) (*Server, error) {
	s := &Server{o: o, prefix: NewPrefix(), dir: dir, log: filepath.Join(dir, "redis.log")}
	var err error
	for range portAttempts {
		var port int
		port, err = freePort()
		if err != nil {
			return nil, err
		}
		s.port = port
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		s.url = "redis://" + s.addr
		err = s.launch(bin)
		if !errors.Is(err, errAddrInUse) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// freePort returns a 127.0.0.1 port that was free a moment ago.
func freePort() (int, error) {
	for range 10 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("finding a free port: %v", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port != sharedPort {
			return port, nil
		}
	}
	return 0, errors.New("finding a free port: only got 6379")
}

var errAddrInUse = errors.New("address already in use")

// launch starts redis-server on s.port in s.dir and waits for PING. On
// failure the process is gone and the error holds the end of the log; it
// wraps errAddrInUse when the port was taken.
func (s *Server) launch(bin string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("redis-server is already running")
	}
	aof := "no"
	if s.o.AppendOnly {
		aof = "yes"
	}
	args := []string{
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--dir", s.dir,
		"--save", "",
		"--appendonly", aof,
	}
	if s.o.AppendOnly {
		args = append(args, "--appendfsync", "always")
	}
	args = append(args, "--logfile", s.log, "--daemonize", "no")

	// Errors before the log file is open (bad arguments) go to stderr; keep
	// them in a file so Wait never waits on a pipe.
	errPath := filepath.Join(s.dir, "redis.stderr")
	errFile, err := os.OpenFile(errPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer errFile.Close()
	logStart := fileSize(s.log)
	errStart := fileSize(errPath)

	cmd := exec.Command(bin, args...)
	cmd.Dir = s.dir
	cmd.Stdout = errFile
	cmd.Stderr = errFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting redis-server: %v", err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()

	failed := func(what string) error {
		out := tail(s.log, logStart) + tail(errPath, errStart)
		err := fmt.Errorf("redis-server on %s (dir %s) %s; end of its log:\n%s", s.addr, s.dir, what, out)
		if strings.Contains(out, "Address already in use") {
			err = fmt.Errorf("%w: %w", errAddrInUse, err)
		}
		return err
	}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-p.done:
			return failed(fmt.Sprintf("exited during startup (%v)", p.waitErr))
		default:
		}
		// Only our process counts: another server may hold the port (then
		// ours exits with "Address already in use").
		if pid, err := serverPID(s.addr); err == nil && pid == cmd.Process.Pid {
			s.proc = p
			return nil
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-p.done
			return failed(fmt.Sprintf("did not answer PING within %v", readyTimeout))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop shuts the running process down (SHUTDOWN, then SIGTERM, then
// SIGKILL) and waits for it to exit. It does nothing when not running or for
// an external server.
func (s *Server) stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	cmdArgs := []string{"SHUTDOWN", "NOSAVE"}
	if s.o.AppendOnly {
		cmdArgs = []string{"SHUTDOWN"} // flushes and fsyncs the AOF
	}
	shutErr := command(s.addr, cmdArgs...)
	if shutErr != nil {
		p.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-p.done:
		if shutErr != nil {
			return fmt.Errorf("redis-server on %s: %s failed (%v); stopped it with SIGTERM", s.addr, strings.Join(cmdArgs, " "), shutErr)
		}
		return nil
	case <-time.After(stopTimeout):
	}
	p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("redis-server on %s did not exit within %v of %s; killed it (end of its log:\n%s)",
		s.addr, stopTimeout, strings.Join(cmdArgs, " "), tail(s.log, 0))
}

// ping sends PING to addr and expects +PONG.
func ping(addr string) error {
	reply, err := roundTrip(addr, "PING")
	if err != nil {
		return err
	}
	if reply != "+PONG" {
		return fmt.Errorf("PING: %s", reply) // e.g. -LOADING while reading the AOF
	}
	return nil
}

// serverPID asks the server at addr for its process id (INFO server),
// which also tells that it is up and done loading.
func serverPID(addr string) (int, error) {
	if err := ping(addr); err != nil {
		return 0, err
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(conn, "*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"); err != nil {
		return 0, err
	}
	r := bufio.NewReader(conn)
	head, err := r.ReadString('\n')
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(head, "$")))
	if !strings.HasPrefix(head, "$") || err != nil || n < 0 {
		return 0, fmt.Errorf("INFO: %s", strings.TrimSpace(head))
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(body)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "process_id:"); ok {
			return strconv.Atoi(v)
		}
	}
	return 0, errors.New("INFO server has no process_id")
}

// command sends a command whose success closes the connection (SHUTDOWN):
// an error reply is an error, EOF is success.
func command(addr string, args ...string) error {
	reply, err := roundTrip(addr, args...)
	if errors.Is(err, errClosed) {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("%s", reply)
}

var errClosed = errors.New("connection closed")

// roundTrip sends one command in RESP to addr and returns the first line of
// the reply, or errClosed when the server closed the connection.
func roundTrip(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		if line == "" && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			return "", errClosed
		}
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// tail returns the last lines of path written after offset from.
func tail(path string, from int64) string {
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) <= from {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data[from:]), "\n"), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	return strings.Join(lines, "\n") + "\n"
}
