package service

import (
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// The one way pages and documents count a round's codes: a batch's codes
// count once for a set of targets if the batch covers any of them, however
// many it covers, and for each target it covers. coverCodes counts them
// for one set; sumCodes for every unit's subtree at once.

// Codes counts codes: issued, used and revoked.
type Codes struct {
	Issued  int `json:"issued"`
	Used    int `json:"used"`
	Revoked int `json:"revoked"`
}

func (c *Codes) add(b *rounds.Batch) {
	c.Issued, c.Used, c.Revoked = c.Issued+b.Count, c.Used+b.Used, c.Revoked+b.Revoked
}

// codeSums counts, for every unit, the codes of the batches that cover a
// target in its subtree (incl, the unit included) or strictly below it
// (below; below "" is the whole round): a code that covers several of them
// counts once.
type codeSums struct{ incl, below map[string]*Codes }

func sumCodes(tree *tally.Tree, batches []rounds.Batch) codeSums {
	s := codeSums{incl: map[string]*Codes{}, below: map[string]*Codes{}}
	add := func(m map[string]*Codes, id string, b *rounds.Batch) {
		if m[id] == nil {
			m[id] = &Codes{}
		}
		m[id].add(b)
	}
	for i := range batches {
		b := &batches[i]
		add(s.below, "", b)
		incl, below := map[string]bool{}, map[string]bool{}
		for _, t := range b.Targets {
			for u := tree.Unit(t); u != nil; u = tree.Unit(u.Parent) {
				if !incl[u.ID] {
					incl[u.ID] = true
					add(s.incl, u.ID, b)
				}
				if u.ID != t && !below[u.ID] {
					below[u.ID] = true
					add(s.below, u.ID, b)
				}
			}
		}
	}
	return s
}

// of returns the sums of id in m (zero if none).
func of(m map[string]*Codes, id string) Codes {
	if c := m[id]; c != nil {
		return *c
	}
	return Codes{}
}

// codeCover is the codes of one set of targets: those of the batches that
// cover any of them (Codes), how many of these cover more than one target
// (Shared), and per target the codes that cover it (Per; none for a target
// without codes).
type codeCover struct {
	Codes
	Shared int
	Per    map[string]*Codes
}

// coverCodes counts the codes of the targets for which in is true.
func coverCodes(batches []rounds.Batch, in func(target string) bool) codeCover {
	c := codeCover{Per: map[string]*Codes{}}
	for i := range batches {
		b := &batches[i]
		covers := false
		for _, t := range b.Targets {
			if !in(t) {
				continue
			}
			covers = true
			if c.Per[t] == nil {
				c.Per[t] = &Codes{}
			}
			c.Per[t].add(b)
		}
		if covers {
			c.Codes.add(b)
			if len(b.Targets) > 1 {
				c.Shared += b.Count
			}
		}
	}
	return c
}
