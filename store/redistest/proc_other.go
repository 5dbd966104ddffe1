//go:build !linux

package redistest

import "syscall"

// sysProcAttr returns nil: only Linux can tie the child's life to ours, so
// elsewhere a killed test binary may leave redis-server running (Cleanup
// and the StartMain stop func still stop it on a normal exit).
func sysProcAttr() *syscall.SysProcAttr { return nil }
