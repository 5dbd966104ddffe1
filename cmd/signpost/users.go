package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

const usersUsage = "usage: signpost users add NAME [--config FILE]"

// Password rules for inbox accounts: long enough to resist guessing
// (a passphrase of a few words), short enough for bcrypt, which reads
// only the first 72 bytes.
const (
	minPassword = 12
	maxPassword = 72
	bcryptCost  = 12
	maxUserName = 64
)

// usersCmd manages link workers' inbox accounts. `users add NAME` reads a
// password (twice, without echo, from a terminal; one line when piped)
// and prints the YAML entry to add under inbox.users in the config file.
// The file is never written: the operator adds the line where it belongs.
func usersCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New(usersUsage)
	}
	fset := flag.NewFlagSet("users add", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "YAML config file, to check the name is not taken")
	names, err := parseInterspersed(fset, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usersUsage)
		return nil
	}
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return fmt.Errorf("give one NAME (quote a name with spaces: \"Sam Jones\")\n%s", usersUsage)
	}
	name, err := checkUserName(names[0])
	if err != nil {
		return err
	}
	if *cfgPath != "" {
		taken, err := userInFile(*cfgPath, name)
		if err != nil {
			return err
		}
		if taken {
			fmt.Fprintf(stderr, "%s already has an account in %s: replace its entry with this one to change the password.\n", name, *cfgPath)
		}
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("hashing the password: %w", err)
	}
	where := "the config file"
	if *cfgPath != "" {
		where = *cfgPath
	}
	fmt.Fprintf(stderr, "Add this line under `inbox:` → `users:` in %s, then restart signpost:\n", where)
	fmt.Fprintf(stdout, "- {name: %s, password_hash: %q}\n", yamlScalar(name), hash)
	return nil
}

// checkUserName tidies a worker's name and checks it can be typed at the
// sign-in form and kept in a cookie.
func checkUserName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	switch {
	case name == "":
		return "", errors.New("the name is empty")
	case len(name) > maxUserName:
		return "", fmt.Errorf("the name is longer than %d bytes", maxUserName)
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }):
		return "", errors.New("the name has characters that cannot be typed")
	}
	return name, nil
}

// readPassword reads the new password: from a terminal, twice and
// without echo; otherwise the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	var pw string
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		fmt.Fprint(stderr, "Password again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("the passwords do not match")
		}
		pw = string(first)
	} else {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	switch n := len(pw); {
	case strings.TrimSpace(pw) == "":
		return "", errors.New("the password is empty")
	case len([]rune(pw)) < minPassword:
		return "", fmt.Errorf("the password is too short: use at least %d characters (a few words make a good one)", minPassword)
	case n > maxPassword:
		return "", fmt.Errorf("the password is too long: bcrypt reads at most %d bytes", maxPassword)
	}
	return pw, nil
}

// userInFile reports whether the config file at path already lists an
// inbox user called name (in any case).
func userInFile(path, name string) (bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("reading the config file: %w", err)
	}
	var f struct {
		Inbox struct {
			Users []struct {
				Name string `yaml:"name"`
			} `yaml:"users"`
		} `yaml:"inbox"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	for _, u := range f.Inbox.Users {
		if strings.EqualFold(strings.Join(strings.Fields(u.Name), " "), name) {
			return true, nil
		}
	}
	return false, nil
}

// yamlScalar writes s as a YAML flow scalar: plain when that reads back
// as the same string, else double-quoted (a JSON string is valid YAML).
func yamlScalar(s string) string {
	var n yaml.Node
	if !strings.ContainsAny(s, ",[]{}#:&*!|>'\"%@`") && yaml.Unmarshal([]byte(s), &n) == nil &&
		len(n.Content) == 1 && n.Content[0].Tag == "!!str" && n.Content[0].Value == s {
		return s
	}
	q, _ := json.Marshal(s)
	return string(q)
}
