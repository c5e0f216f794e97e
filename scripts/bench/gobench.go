package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// benchLine is one line of `go test -bench` output: the benchmark's name
// (without the GOMAXPROCS suffix) and its figures by unit.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// goBench runs the benchmarks matching pattern in pkg, with env added, and
// returns their figures: name → unit → value. Each figure is the mean of
// three runs (after the one go test makes first to size the loop).
func goBench(pkg, pattern string, env ...string) (map[string]map[string]float64, error) {
	cmd := exec.Command("go", "test", pkg, "-run", "^$", "-bench", pattern, "-benchtime", "3x", "-timeout", "30m")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go test %s -bench %s: %v\n%s", pkg, pattern, err, out)
	}
	figures := map[string]map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		f := map[string]float64{}
		fields := strings.Fields(m[2])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err == nil {
				f[fields[i+1]] = v
			}
		}
		figures[m[1]] = f
	}
	return figures, nil
}

// figure is one value from goBench's answer, or an error naming it.
func figure(all map[string]map[string]float64, name, unit string) (float64, error) {
	v, ok := all[name][unit]
	if !ok {
		return 0, fmt.Errorf("no %s for %s in the benchmark output", unit, name)
	}
	return v, nil
}
