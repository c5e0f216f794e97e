package main

import "ballot/internal/auth"

// passwordCost is the cost the commands hash passwords at: the zero Cost,
// the server's. No flag or variable of the shipped binary reaches it. Only
// the binary this package's tests start, built with -tags
// light_passwords_for_tests (passwords_light.go), and those tests for the
// commands they run in their own process (main_test.go), hash lighter.
var passwordCost auth.Cost
