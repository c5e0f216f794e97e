package storage

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"

	bolt "go.etcd.io/bbolt"

	"ballot/internal/report"
	"ballot/internal/result"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// A parent round's buckets (docs/federation.md): the signing key of each
// child root, and per root what its imported result holds — the signed
// file as verified, its provenance, and the figures, units, ratings and
// caps read from it — with an index of every imported unit to its root.
var (
	bSigners     = []byte("signers")
	bResults     = []byte("results")
	bResultIndex = []byte("result_index")

	kResultMeta = []byte("meta")
	kResultFile = []byte("file")
	kResultSig  = []byte("signature")
	kResultPart = []byte("part")

	bResTargets = []byte("targets")
	bResRollups = []byte("rollups")
)

// PutSigner stores the signing key registered for a child's root.
func (t *Tx) PutSigner(rid string, s *result.Signer) error {
	b, err := t.sub(rid, bSigners)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(s.Unit), s)
}

// Signers returns round rid's registered signing keys by unit.
func (t *Tx) Signers(rid string) (map[string]result.Signer, error) {
	b, err := t.sub(rid, bSigners)
	if err != nil {
		return nil, err
	}
	out := map[string]result.Signer{}
	err = eachJSON(b, func(s *result.Signer) error { out[s.Unit] = *s; return nil })
	return out, err
}

// resultBucket is the bucket of root's result in round rid (nil if none
// or, when create, a new empty one in place of the old).
func (t *Tx) resultBucket(rid, root string, create bool) (*bolt.Bucket, error) {
	all, err := t.sub(rid, bResults)
	if err != nil || all == nil {
		return nil, err
	}
	if !create {
		return all.Bucket([]byte(root)), nil
	}
	if all.Bucket([]byte(root)) != nil {
		if err := all.DeleteBucket([]byte(root)); err != nil {
			return nil, err
		}
	}
	return all.CreateBucket([]byte(root))
}

// PutResult replaces what round rid holds of root's result: the verified
// file and signature, the provenance, the report part, and the file's
// units (all but the root, which is the parent's own), figures, ratings
// and caps. Units of an older result that the new one lacks leave the
// index.
func (t *Tx) PutResult(rid string, im *result.Imported, file, sig []byte, f *result.File, part report.Part) error {
	index, err := t.sub(rid, bResultIndex)
	if err != nil {
		return err
	}
	if old, err := t.resultBucket(rid, im.Root, false); err != nil {
		return err
	} else if old != nil {
		if err := old.Bucket(bUnits).ForEach(func(k, _ []byte) error { return index.Delete(k) }); err != nil {
			return err
		}
	}
	b, err := t.resultBucket(rid, im.Root, true)
	if err != nil {
		return err
	}
	for _, kv := range []struct {
		k []byte
		v any
	}{{kResultMeta, im}, {kResultPart, part}} {
		if err := putJSON(b, kv.k, kv.v); err != nil {
			return err
		}
	}
	if err := b.Put(kResultFile, file); err != nil {
		return err
	}
	if err := b.Put(kResultSig, sig); err != nil {
		return err
	}
	sub := func(name []byte) (*bolt.Bucket, error) { return b.CreateBucket(name) }
	units, err := sub(bUnits)
	if err != nil {
		return err
	}
	for i := range f.Units {
		u := &f.Units[i]
		if u.ID == im.Root {
			continue
		}
		if err := putJSON(units, []byte(u.ID), u); err != nil {
			return err
		}
		if err := index.Put([]byte(u.ID), []byte(im.Root)); err != nil {
			return err
		}
	}
	targets, err := sub(bResTargets)
	if err != nil {
		return err
	}
	for i := range f.Targets {
		if err := putJSON(targets, []byte(f.Targets[i].Unit), &f.Targets[i]); err != nil {
			return err
		}
	}
	rollups, err := sub(bResRollups)
	if err != nil {
		return err
	}
	for i := range f.Rollups {
		r := &f.Rollups[i]
		if err := putJSON(rollups, []byte(r.Unit+"|"+r.Form), r); err != nil {
			return err
		}
	}
	ratings, err := sub(bRatings)
	if err != nil {
		return err
	}
	for i := range f.Ratings {
		if err := putJSON(ratings, []byte(f.Ratings[i].Unit), &f.Ratings[i]); err != nil {
			return err
		}
	}
	caps, err := sub(bCaps)
	if err != nil {
		return err
	}
	for i := range f.Caps {
		c := &f.Caps[i]
		if err := putJSON(caps, []byte(report.CapKey(c.Unit, c.Group)), c); err != nil {
			return err
		}
	}
	return nil
}

// Results returns the provenance of every result round rid holds, by root.
func (t *Tx) Results(rid string) (map[string]result.Imported, error) {
	out := map[string]result.Imported{}
	all, err := t.sub(rid, bResults)
	if err != nil || all == nil {
		return out, err
	}
	err = all.ForEachBucket(func(k []byte) error {
		var im result.Imported
		if _, err := getJSON(all.Bucket(k), kResultMeta, &im); err != nil {
			return err
		}
		out[string(k)] = im
		return nil
	})
	return out, err
}

// ResultFile returns root's stored file and signature (copies), or nils.
func (t *Tx) ResultFile(rid, root string) (file, sig []byte, err error) {
	b, err := t.resultBucket(rid, root, false)
	if err != nil || b == nil {
		return nil, nil, err
	}
	return append([]byte(nil), b.Get(kResultFile)...), append([]byte(nil), b.Get(kResultSig)...), nil
}

// ResultParts returns the report part of every stored result, by root.
func (t *Tx) ResultParts(rid string) (map[string]report.Part, error) {
	out := map[string]report.Part{}
	all, err := t.sub(rid, bResults)
	if err != nil || all == nil {
		return out, err
	}
	err = all.ForEachBucket(func(k []byte) error {
		var p report.Part
		_, err := getJSON(all.Bucket(k), kResultPart, &p)
		out[string(k)] = p
		return err
	})
	return out, err
}

// ResultRoot returns the child root whose result holds unit ("" if none).
func (t *Tx) ResultRoot(rid, unit string) (string, error) {
	b, err := t.sub(rid, bResultIndex)
	if err != nil || b == nil {
		return "", err
	}
	return string(b.Get([]byte(unit))), nil
}

// ResultUnits returns the units of root's result (without root itself).
func (t *Tx) ResultUnits(rid, root string) ([]rounds.Unit, error) {
	b, err := t.resultBucket(rid, root, false)
	if err != nil || b == nil {
		return nil, err
	}
	var out []rounds.Unit
	err = eachJSON(b.Bucket(bUnits), func(u *rounds.Unit) error { out = append(out, *u); return nil })
	return out, err
}

// ResultInput returns the ratings and caps of root's result as a report
// reads them.
func (t *Tx) ResultInput(rid, root string) (map[string]report.Rating, map[string]int, error) {
	ratings, caps := map[string]report.Rating{}, map[string]int{}
	b, err := t.resultBucket(rid, root, false)
	if err != nil || b == nil {
		return ratings, caps, err
	}
	err = eachJSON(b.Bucket(bRatings), func(r *result.Rating) error {
		ratings[r.Unit] = report.Rating{Unit: r.Unit, Level: r.Level, Decision: r.Decision, Date: r.Date, Reason: r.Reason}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = eachJSON(b.Bucket(bCaps), func(c *report.Cap) error { caps[report.CapKey(c.Unit, c.Group)] = c.Hundredths; return nil })
	return ratings, caps, err
}

// EachResultRating passes every stored rating of root's result to fn.
func (t *Tx) EachResultRating(rid, root string, fn func(*result.Rating) error) error {
	b, err := t.resultBucket(rid, root, false)
	if err != nil || b == nil {
		return err
	}
	return eachJSON(b.Bucket(bRatings), fn)
}

// EachResultCap passes every stored cap of root's result to fn.
func (t *Tx) EachResultCap(rid, root string, fn func(*report.Cap) error) error {
	b, err := t.resultBucket(rid, root, false)
	if err != nil || b == nil {
		return err
	}
	return eachJSON(b.Bucket(bCaps), fn)
}

// PublishedSource reads a parent round's figures on demand, within this
// transaction.
func (t *Tx) PublishedSource(rid string) tally.Published { return published{t, rid} }

type published struct {
	tx  *Tx
	rid string
}

func (p published) figures(unit string, bucket []byte, key string) (*tally.Figures, error) {
	root, err := p.tx.ResultRoot(p.rid, unit)
	if err != nil || root == "" {
		// a parent's own unit: no target, and its roll-ups are sums
		return nil, err
	}
	b, err := p.tx.resultBucket(p.rid, root, false)
	if err != nil || b == nil {
		return nil, err
	}
	f := new(tally.Figures)
	ok, err := getJSON(b.Bucket(bucket), []byte(key), f)
	if !ok || err != nil {
		return nil, err
	}
	return f, nil
}

func (p published) Target(id string) (*tally.Figures, error) { return p.figures(id, bResTargets, id) }

// Rollup is a roll-up a child published: of a unit of its result, or of
// its root (which the parent holds as its own unit).
func (p published) Rollup(unit, form string) (*tally.Figures, error) {
	if root, err := p.tx.ResultRoot(p.rid, unit); err != nil || root != "" {
		if err != nil {
			return nil, err
		}
		return p.figures(unit, bResRollups, unit+"|"+form)
	}
	b, err := p.tx.resultBucket(p.rid, unit, false)
	if err != nil || b == nil {
		return nil, err
	}
	f := new(tally.Figures)
	ok, err := getJSON(b.Bucket(bResRollups), []byte(unit+"|"+form), f)
	if !ok || err != nil {
		return nil, err
	}
	return f, nil
}

// ResultDigest is the SHA-256 (hex) over everything round rid holds of
// root's result, nested buckets included, in key order.
func (t *Tx) ResultDigest(rid, root string) (string, error) {
	b, err := t.resultBucket(rid, root, false)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if b != nil {
		if err := digestBucket(h, b); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func digestBucket(h hash.Hash, b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		field(h, k)
		if v != nil {
			field(h, v)
			return nil
		}
		err := digestBucket(h, b.Bucket(k))
		field(h, nil) // the end of a nested bucket
		return err
	})
}

// PublishedSource reads a parent round's figures on demand, each in a
// short read transaction of its own, as CountedSource does for a counted
// round (stored figures never change).
func (s *Store) PublishedSource(rid string) tally.Published { return storePublished{s, rid} }

type storePublished struct {
	s   *Store
	rid string
}

func (p storePublished) Target(id string) (f *tally.Figures, err error) {
	err = p.s.View(func(tx *Tx) error { f, err = tx.PublishedSource(p.rid).Target(id); return err })
	return f, err
}

func (p storePublished) Rollup(unit, form string) (f *tally.Figures, err error) {
	err = p.s.View(func(tx *Tx) error { f, err = tx.PublishedSource(p.rid).Rollup(unit, form); return err })
	return f, err
}
