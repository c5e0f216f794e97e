package main

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// TestThePackageDocNamesEveryCommand keeps the command's doc comment true:
// it names each command the binary has.
func TestThePackageDocNamesEveryCommand(t *testing.T) {
	t.Parallel()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		t.Fatalf("main.go has no package doc: %v", err)
	}
	doc := strings.Join(strings.Fields(f.Doc.Text()), " ")
	for _, c := range commands {
		first, _, _ := strings.Cut(c.name, " ")
		if !strings.Contains(doc, first) {
			t.Errorf("the package doc does not name %q:\n%s", c.name, doc)
		}
	}
}
