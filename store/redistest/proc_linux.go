//go:build linux

package redistest

import "syscall"

// sysProcAttr makes the kernel SIGKILL redis-server when the test binary
// dies, so a killed or timed-out test run leaves no server behind.
//
// Pdeathsig fires when the OS thread that started the child exits, not only
// the process; Go keeps that thread alive unless a goroutine exits while
// locked to it, which nothing here does.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
