package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"
)

// usersAdd runs `signpost users add` with args and the piped stdin.
func usersAdd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = usersCmd(t.Context(), append([]string{"add"}, args...), strings.NewReader(stdin), &o, &e)
	return o.String(), e.String(), err
}

// entry parses the printed YAML entry as it would be read under
// inbox.users.
func entry(t *testing.T, out string) (name, hash string) {
	t.Helper()
	var users []struct {
		Name         string `yaml:"name"`
		PasswordHash string `yaml:"password_hash"`
	}
	if err := yaml.Unmarshal([]byte(out), &users); err != nil || len(users) != 1 {
		t.Fatalf("output %q is not one YAML list entry: %v", out, err)
	}
	return users[0].Name, users[0].PasswordHash
}

func TestUsersAddPrintsAnEntryWhoseHashBcryptAccepts(t *testing.T) {
	const pw = "correct horse battery staple"
	out, errOut, err := usersAdd(t, pw+"\n", "Sam Jones")
	if err != nil {
		t.Fatalf("users add: %v (stderr %q)", err, errOut)
	}
	if !strings.HasPrefix(out, `- {name: Sam Jones, password_hash: "$2a$12$`) {
		t.Errorf("output = %q, want the entry `- {name: Sam Jones, password_hash: \"$2a$12$…\"}`", out)
	}
	if strings.Contains(out+errOut, pw) {
		t.Error("the password was printed")
	}
	name, hash := entry(t, out)
	if name != "Sam Jones" {
		t.Errorf("name = %q", name)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)); err != nil {
		t.Errorf("bcrypt refuses the printed hash for the password: %v", err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw+"x")); err == nil {
		t.Error("bcrypt accepts the hash for another password")
	}
	if cost, _ := bcrypt.Cost([]byte(hash)); cost != bcryptCost {
		t.Errorf("cost = %d, want %d", cost, bcryptCost)
	}
	if !strings.Contains(errOut, "inbox:") || !strings.Contains(errOut, "users:") {
		t.Errorf("stderr %q does not say where the line goes", errOut)
	}
}

func TestUsersAddKeepsSpacesInThePasswordAndTakesTheFirstLineOnly(t *testing.T) {
	out, _, err := usersAdd(t, "  spaces around it  \r\nsecond line\n", "Alex")
	if err != nil {
		t.Fatal(err)
	}
	_, hash := entry(t, out)
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte("  spaces around it  ")) != nil {
		t.Error("the hash is not of the first line as typed (without its line ending)")
	}
}

func TestUsersAddQuotesNamesYAMLWouldMisread(t *testing.T) {
	for _, name := range []string{"true", "123", "O'Neil: Jo", "#1 worker", "null"} {
		out, _, err := usersAdd(t, "a long enough password\n", name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, _ := entry(t, out); got != name {
			t.Errorf("name %q reads back as %q from %q", name, got, out)
		}
	}
}

func TestUsersAddRefusals(t *testing.T) {
	tests := []struct {
		label, stdin string
		args         []string
		want         string
	}{
		{"no name", "a long enough password\n", nil, "usage"},
		{"two names", "a long enough password\n", []string{"Sam", "Jones"}, "one NAME"},
		{"blank name", "a long enough password\n", []string{"  "}, "empty"},
		{"empty password", "\n", []string{"Sam"}, "empty"},
		{"short password", "short\n", []string{"Sam"}, "too short"},
		{"long password", strings.Repeat("x", 73) + "\n", []string{"Sam"}, "too long"},
		{"missing config", "a long enough password\n", []string{"Sam", "--config", "/nonexistent/signpost.yaml"}, "config file"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			out, _, err := usersAdd(t, tt.stdin, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one saying %q", err, tt.want)
			}
			if out != "" {
				t.Errorf("printed %q on a refusal", out)
			}
		})
	}
	var o, e bytes.Buffer
	if err := usersCmd(t.Context(), []string{"remove", "Sam"}, strings.NewReader(""), &o, &e); err == nil {
		t.Error("an unknown subcommand was accepted")
	}
}

func TestUsersAddWithConfigSaysWhenTheNameIsTaken(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "signpost.yaml")
	yml := "inbox:\n  users:\n    - {name: Sam Jones, password_hash: \"$2a$12$abc\"}\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := usersAdd(t, "a long enough password\n", "--config", cfg, "sam  jones")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "already has an account") || !strings.Contains(errOut, cfg) {
		t.Errorf("stderr %q does not say Sam Jones is taken in %s", errOut, cfg)
	}
	_, errOut, err = usersAdd(t, "a long enough password\n", "Alex", "--config", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut, "already") {
		t.Errorf("stderr %q says a new name is taken", errOut)
	}
}
