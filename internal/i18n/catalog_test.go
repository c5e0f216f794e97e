package i18n_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ballot/internal/i18n"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	t.Parallel()
	vi, en := map[string]bool{}, map[string]bool{}
	for _, k := range i18n.Keys(i18n.VI) {
		vi[k] = true
	}
	for _, k := range i18n.Keys(i18n.EN) {
		en[k] = true
		if !vi[k] {
			t.Errorf("key %q is in English only", k)
		}
	}
	for k := range vi {
		if !en[k] {
			t.Errorf("key %q is in Vietnamese only", k)
		}
	}
}

// TestEveryKeyUsedHasMessages walks the source for calls that name a message
// key as a string literal and checks each has a message in every language.
func TestEveryKeyUsedHasMessages(t *testing.T) {
	t.Parallel()
	// argument index of the key, by function
	calls := map[string]int{"apperr.New": 1, "apperr.Field": 1, "i18n.M": 0, "M": 0, "notFound": 0, "T": 0}
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if id, ok := fn.X.(*ast.Ident); ok {
					name = id.Name + "." + fn.Sel.Name
				}
			case *ast.Ident:
				name = fn.Name
			}
			idx, ok := calls[name]
			if !ok || len(call.Args) <= idx {
				return true
			}
			lit, ok := call.Args[idx].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			if name == "notFound" {
				key = "not_found." + key
			}
			found++
			if !i18n.Has(key) {
				t.Errorf("%s: message key %q has no message in every language", path, key)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// templates: {{t .Lang "key" …}}
	tkey := regexp.MustCompile(`\{\{\s*t \$?\.Lang "([a-z_.]+)"`)
	tmpls, _ := filepath.Glob(filepath.Join(root, "web", "templates", "*.html"))
	for _, dir := range []string{"print", "console"} {
		more, _ := filepath.Glob(filepath.Join(root, "web", dir, "*.html"))
		tmpls = append(tmpls, more...)
	}
	if len(tmpls) == 0 {
		t.Fatal("no templates found")
	}
	for _, path := range tmpls {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tkey.FindAllStringSubmatch(string(raw), -1) {
			found++
			if !i18n.Has(m[1]) {
				t.Errorf("%s: message key %q has no message in every language", path, m[1])
			}
		}
	}
	if found < 50 {
		t.Fatalf("found only %d keys: the walk is broken", found)
	}
}

func TestRendersArgumentsAndNestedMessages(t *testing.T) {
	t.Parallel()
	m := i18n.M("invalid.field", "title", i18n.M("field.max_len", 200))
	if got, want := m.In(i18n.EN), "Field title: is longer than 200 characters"; got != want {
		t.Errorf("EN: got %q, want %q", got, want)
	}
	if got, want := m.In(i18n.VI), "Trường title: dài quá 200 ký tự"; got != want {
		t.Errorf("VI: got %q, want %q", got, want)
	}
}

func TestPicksLanguage(t *testing.T) {
	t.Parallel()
	for h, want := range map[string]i18n.Lang{"": i18n.VI, "en-US,en;q=0.9": i18n.EN, "fr, en;q=0.5": i18n.EN, "vi-VN, en": i18n.VI, "de": i18n.VI} {
		if got := i18n.FromAcceptLanguage(h); got != want {
			t.Errorf("%q: got %s, want %s", h, got, want)
		}
	}
}
