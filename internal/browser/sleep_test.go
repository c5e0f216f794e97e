package browser_test

import "time"

func chromedpSleep() { time.Sleep(50 * time.Millisecond) }
