package tally

import (
	"math/rand/v2"
	"slices"
	"testing"

	"ballot/internal/rounds"
)

// TestTreeFindsUnitsChildrenAndAncestors, whatever the order units come in.
func TestTreeFindsUnitsChildrenAndAncestors(t *testing.T) {
	t.Parallel()
	units := []rounds.Unit{{ID: "p"}, {ID: "q"}, {ID: "d2", Parent: "p"}, {ID: "d1", Parent: "p"},
		{ID: "c3", Parent: "d1"}, {ID: "c1", Parent: "d1"}, {ID: "c2", Parent: "d2"}, {ID: "x", Parent: "q"}}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(units), func(i, j int) { units[i], units[j] = units[j], units[i] })
	tree := NewTree(units)
	ids := func(us []rounds.Unit) (out []string) {
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	if got := ids(tree.Roots()); !slices.Equal(got, []string{"p", "q"}) {
		t.Errorf("roots %v", got)
	}
	if got := ids(tree.Children("d1")); !slices.Equal(got, []string{"c1", "c3"}) {
		t.Errorf("children of d1: %v", got)
	}
	if got := tree.Children("c1"); len(got) != 0 {
		t.Errorf("children of a leaf: %v", ids(got))
	}
	if u := tree.Unit("c2"); u == nil || u.Parent != "d2" {
		t.Errorf("unit c2: %+v", u)
	}
	if tree.Unit("nobody") != nil || tree.Unit("") != nil {
		t.Error("found a unit that is not there")
	}
	var walked []string
	tree.Walk("p", func(u *rounds.Unit) { walked = append(walked, u.ID) })
	if !slices.Equal(walked, []string{"p", "d1", "c1", "c3", "d2", "c2"}) {
		t.Errorf("walk %v", walked)
	}
	if !tree.Within("c3", "p") || !tree.Within("p", "p") || tree.Within("x", "p") || tree.Within("p", "d1") {
		t.Error("within")
	}
	if got := tree.postOrder(); !slices.Equal(got, []string{"c1", "c3", "d1", "c2", "d2", "p", "x", "q"}) {
		t.Errorf("post-order %v", got)
	}
}

// TestATreeSaysWhoDecidesAndWhatItsTargetsAre: a unit decides (rates) the
// targets right below it — a district that is a target itself and has
// targets below decides them, a province above districts decides only its
// own target children, a unit with units but no target below it nothing; the kinds and groups offered for a subtree are its
// targets', each once, sorted, a target with no group adding none.
func TestATreeSaysWhoDecidesAndWhatItsTargetsAre(t *testing.T) {
	t.Parallel()
	tree := NewTree([]rounds.Unit{
		{ID: "p", Kind: "province"},
		{ID: "d1", Parent: "p", Kind: "district", Group: "huyen", Form: "f"},
		{ID: "c1", Parent: "d1", Kind: "grassroots", Group: "xa", Form: "f"},
		{ID: "c2", Parent: "d1", Kind: "grassroots", Group: "coquan", Form: "f"},
		{ID: "c3", Parent: "d1", Kind: "grassroots", Group: "xa", Form: "f"},
		{ID: "d2", Parent: "p", Kind: "district"},
		{ID: "b1", Parent: "d2", Kind: "branch", Form: "f"},
		{ID: "d3", Parent: "p", Kind: "district"},
		{ID: "o1", Parent: "d3", Kind: "office"},
	})
	for id, want := range map[string]bool{"p": true, "d1": true, "d2": true, "d3": false, "c1": false, "b1": false, "nobody": false} {
		if got := tree.Decides(id); got != want {
			t.Errorf("%s decides: %v, want %v", id, got, want)
		}
	}
	kinds, groups := tree.TargetChoices("p")
	if !slices.Equal(kinds, []string{"branch", "district", "grassroots"}) || !slices.Equal(groups, []string{"coquan", "huyen", "xa"}) {
		t.Errorf("choices below p: %v %v", kinds, groups)
	}
	kinds, groups = tree.TargetChoices("d2")
	if !slices.Equal(kinds, []string{"branch"}) || len(groups) != 0 {
		t.Errorf("choices below d2: %v %v", kinds, groups)
	}
}
