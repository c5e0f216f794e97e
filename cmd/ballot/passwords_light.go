//go:build light_passwords_for_tests

package main

import "ballot/internal/auth"

// The binary this package's tests start well over a hundred times, many of
// them first starts on an empty database that hash the first admin's
// password at 64 MiB, hashes at the lightest cost instead.
// TestTheShippedBinaryHashesAtTheServersCost builds one without the tag and
// checks that it hashes at the server's.
func init() { passwordCost = auth.Cost{Time: 1, Memory: 64, Threads: 1} }
