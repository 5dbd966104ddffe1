package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the signpost command built once for these tests: the tests run
// it as a person or an operator would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "signpost-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "signpost")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		panic("building signpost: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// signpost runs the binary with a clean environment and returns its output
// and exit code.
func signpost(t *testing.T, stdin string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running signpost %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

func TestChatCompletesTheDefaultFlowToAHandoffSummary(t *testing.T) {
	in := strings.Join([]string{"yes", "16", "yes", "Kai", "1", "I want to get an apprenticeship",
		"8", "6", "1", "weekday evenings", "skip", "no", "no", "1"}, "\n")
	out, errOut, code := signpost(t, in, nil, "chat")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"not an emergency service", "How old", "REFERRAL", "Kai, age 16",
		"I want to get an apprenticeship", "Work, training or an apprenticeship", "Thank you, Kai"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
}

func TestChatRiskMidFlowGetsCrisisNumbersAndTheQuestionAgain(t *testing.T) {
	out, _, code := signpost(t, "yes\nsometimes i want to end it all\n", nil, "chat")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	after := out[strings.Index(out, "How old"):]
	for _, want := range []string{"bot [urgent]>", "85258", "0800 1111", "116 123", "999", "ALERT", "How old"} {
		if !strings.Contains(after, want) {
			t.Errorf("after the risk phrase, output lacks %q:\n%s", want, after)
		}
	}
}

func TestFlowsValidate(t *testing.T) {
	out, _, code := signpost(t, "", nil, "flows", "validate")
	if code != 0 || !strings.Contains(out, "youth-self-referral") {
		t.Fatalf("built-in flows: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	bad := "flow: broken\nversion: 1\nstart: welcome\nsteps:\n  welcome:\n    ask: Hi?\n    answer: yes_no\n    next: {yes: agee, no: bye}\n  age:\n    say: hi\n    end: true\n  bye:\n    say: bye\n    end: true\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code = signpost(t, "", nil, "flows", "validate", dir)
	if code != 1 || !strings.Contains(out, "broken.yaml:8: welcome:") || !strings.Contains(out, `did you mean "age"`) {
		t.Fatalf("exit %d, want 1 with file:line and a suggestion:\n%s", code, out)
	}
}

func TestFlowsGraphAndTest(t *testing.T) {
	out, _, code := signpost(t, "", nil, "flows", "graph", "youth-self-referral")
	if code != 0 || !strings.Contains(out, "flowchart TD") || !strings.Contains(out, "age #lt; min_age") {
		t.Fatalf("graph: exit %d\n%s", code, out)
	}
	out, _, code = signpost(t, "", nil, "flows", "test")
	if code != 0 || !strings.Contains(out, " passed, 0 failed") {
		t.Fatalf("flows test: exit %d\n%s", code, out)
	}
	_, _, code = signpost(t, "", nil, "flows", "graph", "nope")
	if code != 1 {
		t.Fatalf("graph of an unknown flow: exit %d", code)
	}
}

func TestBadConfigAndUnknownCommands(t *testing.T) {
	_, errOut, code := signpost(t, "", []string{"TWILIO_ACCOUNT_SID=AC123"}, "serve")
	if code != 1 || !strings.Contains(errOut, "TWILIO_AUTH_TOKEN") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, errOut, code = signpost(t, "", nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

func TestServeEmbeddedDefault(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(binary, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SIGNPOST_ADDR=" + addr}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	get := func(path string) (int, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if code, _ := get("/healthz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz %d %s", code, body)
	}
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics %d", code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if !strings.Contains(logs.String(), `"msg":"listening"`) {
		t.Errorf("no JSON log line:\n%s", logs.String())
	}
}
