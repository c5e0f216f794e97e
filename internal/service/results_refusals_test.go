package service_test

import (
	"bytes"
	"testing"

	"ballot/internal/apperr"
	"ballot/internal/result"
	"ballot/internal/result/resulttest"
	"ballot/internal/rounds"
)

// TestTheOtherChecksOfAResultRefuseWhole: what the README lists beside the
// issue's five refusals — a file of another year, a unit of the parent's
// own tree, a file over the size limit, an import the parent's state does
// not allow — and a key registered for a unit that is no child's root or
// already another child's: each refused with its reason, nothing stored.
func TestTheOtherChecksOfAResultRefuseWhole(t *testing.T) {
	t.Parallel()
	a, b := twoChildren(t)
	svc := resulttest.Open(t)
	parent := resulttest.NewParent(t, svc, 2026, "tw", a, b)
	sa := a.Export(t, "")

	data, sig := resigned(t, a, sa, func(f *result.File) { f.Round.Year-- })
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.year", "a file of another year")

	data, sig = resigned(t, a, sa, func(f *result.File) {
		f.Units = append(f.Units, rounds.Unit{ID: "tw", Name: "Trung ương", Parent: a.Root, Kind: "district"})
	})
	refused(t, svc, parent.ID, data, sig, apperr.Invalid, "result.unit_taken", "a unit of the parent's own tree")

	huge := bytes.Repeat([]byte(" "), result.MaxSize+1)
	refused(t, svc, parent.ID, huge, a.Key.Sign(huge, "huge"), apperr.Invalid, "result.too_large", "a file over the limit")

	registerRefused := func(unit, key string, code apperr.Code, why, want string) {
		t.Helper()
		before, _ := svc.AuditHead()
		was, _ := svc.Results(parent.ID)
		_, err := svc.RegisterSigner(admin, parent.ID, unit, key)
		if apperr.CodeOf(err) != code || reason(err) != want {
			t.Fatalf("%s: %v (reason %s, want %s)", why, err, reason(err), want)
		}
		after, _ := svc.AuditHead()
		now, _ := svc.Results(parent.ID)
		if before != after || len(was) != len(now) || *now[0].Signer != *was[0].Signer || *now[1].Signer != *was[1].Signer {
			t.Fatalf("%s: something was stored", why)
		}
	}
	registerRefused("tw", a.PublicKey, apperr.Invalid, "a key for the parent's own root", "result.not_leaf")
	registerRefused(b.Root, a.PublicKey, apperr.Invalid, "a's key for b", "result.key_taken")
	registerRefused("nowhere", a.PublicKey, apperr.NotFound, "a key for no unit", "not_found.unit")
	registerRefused(b.Root, "RWnot-a-key", apperr.Invalid, "not a minisign key", "result.public_key")

	if _, err := svc.ImportResult(admin, parent.ID, sa.File, sa.Signature); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CloseRound(admin, parent.ID); err != nil {
		t.Fatal(err)
	}
	sb := b.Export(t, "")
	refused(t, svc, parent.ID, sb.File, sb.Signature, apperr.Conflict, "round.not_allowed", "an import into a closed parent round")
}
