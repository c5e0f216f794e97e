package service

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"ballot/internal/apperr"
	"ballot/internal/auth"
	"ballot/internal/rounds"
	"ballot/internal/storage"
)

// Recount is what a verifying recount found.
type Recount struct {
	Round       string   `json:"round"`
	Ballots     int      `json:"ballots"`
	Matches     bool     `json:"matches"`
	Differences []string `json:"differences,omitempty"`
}

// maxDifferences bounds the differences a recount lists.
const maxDifferences = 100

// VerifyCount counts a counted round again with the committee's key — the
// sealed records are kept after counting — and compares every target's
// aggregate and comments and the withholding decision with what counting
// stored. It changes nothing of the round; the audit records who verified
// and what was found.
func (s *Service) VerifyCount(p auth.Principal, rid, privateKey string, progress Progress) (*Recount, error) {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	r, err := s.Round(rid)
	if err != nil {
		return nil, err
	}
	if err := r.Check(rounds.ActVerify); err != nil {
		return nil, err
	}
	c, err := s.recount(r, privateKey, progress, false)
	if err != nil {
		return nil, err
	}
	out := &Recount{Round: rid}
	differ := func(format string, args ...any) {
		if len(out.Differences) < maxDifferences {
			out.Differences = append(out.Differences, fmt.Sprintf(format, args...))
		}
	}
	err = s.store.View(func(tx *storage.Tx) error {
		stored, err := tx.Counted(rid)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(c.targets))
		for id := range c.targets {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			t := &c.targets[id].Target
			out.Ballots += t.Ballots
			got, _ := json.Marshal(t)
			want, _ := json.Marshal(stored[id])
			if stored[id] == nil || !bytes.Equal(got, want) {
				differ("target %s: the recount gives %d ballots and other figures than stored", id, t.Ballots)
			}
			list, err := tx.Comments(rid, id)
			if err != nil {
				return err
			}
			mine := slices.Clone(c.comments[id])
			slices.Sort(mine)
			slices.Sort(list)
			if !slices.Equal(mine, list) {
				differ("target %s: %d comments recounted, %d stored, or other words", id, len(mine), len(list))
			}
		}
		for id := range stored {
			if c.targets[id] == nil {
				differ("target %s is stored as counted but is no target of the round", id)
			}
		}
		w, err := tx.Withheld(rid)
		if err != nil {
			return err
		}
		got, _ := json.Marshal(c.withheld)
		want, _ := json.Marshal(w)
		if !bytes.Equal(got, want) {
			differ("what is withheld differs from the decision stored at counting")
		}
		return nil
	})
	if err != nil {
		return nil, apperr.Wrap(err)
	}
	out.Matches = len(out.Differences) == 0
	err = s.update(p, "round.verify", func(*storage.Tx) (any, error) {
		return map[string]any{"round": rid, "ballots": out.Ballots, "matches": out.Matches}, nil
	})
	return out, err
}
