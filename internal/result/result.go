// Package result is the signed result file a child instance hands its parent
// (docs/federation.md): one subtree's published figures, ratings, report and
// anchors, written deterministically, signed with minisign, read back whole.
package result

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/report"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

// The file's format and version; MaxSize bounds a file (a province's is a
// few MB).
const (
	Format  = "ballot-result"
	Version = 1
	MaxSize = 32 << 20
)

// File is a signed result's content.
type File struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Sequence is the exporting instance's audit chain length: a later
	// state of it always has a larger one.
	Sequence uint64 `json:"sequence"`
	// AsOf is the time of the audit chain's head.
	AsOf      time.Time `json:"as_of"`
	AuditHead AuditRef  `json:"audit_head"`
	Round     Round     `json:"round"`
	// Root is the unit whose subtree the file holds.
	Root    string  `json:"root"`
	Forms   []Form  `json:"forms"`
	Minutes Minutes `json:"minutes"`
	Anchors Anchors `json:"anchors"`
	Report  Report  `json:"report"`
	// Sources are, in a parent round's file, the child files it combines.
	Sources []Source        `json:"sources,omitempty"`
	Units   []rounds.Unit   `json:"units"`
	Caps    []report.Cap    `json:"caps"`
	Ratings []Rating        `json:"ratings"`
	Rollups []tally.Figures `json:"rollups"`
	Targets []tally.Figures `json:"targets"`
}

// AuditRef names an audit chain entry.
type AuditRef struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// Round is the exporting round.
type Round struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Year         int    `json:"year"`
	MinGroupSize int    `json:"min_group_size"`
	Parent       bool   `json:"parent,omitempty"`
}

// Form is a form of the round, by content hash.
type Form struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version int    `json:"version"`
	Hash    string `json:"hash"`
}

// Minutes are the count minutes' totals of the subtree (a parent's: the
// sums of its children's).
type Minutes struct {
	Issued       int `json:"issued"`
	Used         int `json:"used"`
	Revoked      int `json:"revoked"`
	Unused       int `json:"unused"`
	SharedCodes  int `json:"shared_codes"`
	Ballots      int `json:"ballots"`
	Targets      int `json:"targets"`
	WithoutCodes int `json:"without_codes"`
	Withheld     int `json:"withheld"`
}

// Add adds o to m.
func (m *Minutes) Add(o Minutes) {
	m.Issued += o.Issued
	m.Used += o.Used
	m.Revoked += o.Revoked
	m.Unused += o.Unused
	m.SharedCodes += o.SharedCodes
	m.Ballots += o.Ballots
	m.Targets += o.Targets
	m.WithoutCodes += o.WithoutCodes
	m.Withheld += o.Withheld
}

// Anchor is a digest of the round anchored in the exporting instance's
// audit chain, with the entry that holds it.
type Anchor struct {
	SHA256 string `json:"sha256"`
	Seq    uint64 `json:"audit_seq"`
	Hash   string `json:"audit_hash"`
}

// Anchors are the round's latest anchors: its sealed ballots at closing,
// what counting stored, its ratings; a parent round's latest import.
type Anchors struct {
	Sealed  *Anchor `json:"sealed,omitempty"`
	Counted *Anchor `json:"counted,omitempty"`
	Ratings *Anchor `json:"ratings,omitempty"`
	Results *Anchor `json:"results,omitempty"`
}

// Report is the report of the root: each kind's rows and the quota.
type Report struct {
	Sections []report.Section `json:"sections"`
	Quota    []report.Quota   `json:"quota"`
}

// Rating is a target's final level as published.
type Rating struct {
	Unit     string `json:"unit"`
	Level    string `json:"level"`
	Decision string `json:"decision,omitempty"`
	Date     string `json:"date,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Source is the provenance of a child file a parent's file combines.
type Source struct {
	Unit      string   `json:"unit"`
	Sequence  uint64   `json:"sequence"`
	SHA256    string   `json:"sha256"`
	KeyID     string   `json:"key_id"`
	Round     Round    `json:"round"`
	AuditHead AuditRef `json:"audit_head"`
}

// Encode writes f deterministically: its fields in a fixed order, each
// element of its lists on a line of its own, so one state gives one file.
func (f *File) Encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	sep := "\n"
	put := func(name string, raw []byte) {
		fmt.Fprintf(&b, "%s%q:", sep, name)
		b.Write(raw)
		sep = ",\n"
	}
	for _, field := range []struct {
		name string
		v    any
	}{{"format", f.Format}, {"version", f.Version}, {"sequence", f.Sequence}, {"as_of", f.AsOf}, {"audit_head", f.AuditHead},
		{"round", f.Round}, {"root", f.Root}, {"forms", f.Forms}, {"minutes", f.Minutes}, {"anchors", f.Anchors}, {"report", f.Report}} {
		raw, err := json.Marshal(field.v)
		if err != nil {
			return nil, err
		}
		put(field.name, raw)
	}
	if len(f.Sources) > 0 {
		raw, err := list(f.Sources)
		if err != nil {
			return nil, err
		}
		put("sources", raw)
	}
	for _, l := range []struct {
		name string
		enc  func() ([]byte, error)
	}{{"units", func() ([]byte, error) { return list(f.Units) }}, {"caps", func() ([]byte, error) { return list(f.Caps) }},
		{"ratings", func() ([]byte, error) { return list(f.Ratings) }}, {"rollups", func() ([]byte, error) { return list(f.Rollups) }},
		{"targets", func() ([]byte, error) { return list(f.Targets) }}} {
		raw, err := l.enc()
		if err != nil {
			return nil, err
		}
		put(l.name, raw)
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// list encodes xs as a JSON array with an element per line.
func list[T any](xs []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[")
	for i := range xs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		raw, err := json.Marshal(&xs[i])
		if err != nil {
			return nil, err
		}
		b.Write(raw)
	}
	if len(xs) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("]")
	return b.Bytes(), nil
}

// Parse reads a file strictly: one JSON object of this format and
// version, no unknown field, nothing after it.
func Parse(data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, apperr.Field("file", "result.too_large", MaxSize>>20)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	f := new(File)
	if err := dec.Decode(f); err != nil {
		return nil, apperr.Field("file", "result.unreadable", err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperr.Field("file", "result.trailing")
	}
	if f.Format != Format || f.Version != Version {
		return nil, apperr.Field("file", "result.format", f.Format, f.Version, Format, Version)
	}
	return f, nil
}

// Signer is the signing key a parent round registers for a child's root.
type Signer struct {
	Unit      string    `json:"unit"`
	PublicKey string    `json:"public_key"`
	KeyID     string    `json:"key_id"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Imported is what a parent round keeps of where a child's stored result
// came from.
type Imported struct {
	Root     string `json:"root"`
	Sequence uint64 `json:"sequence"`
	SHA256   string `json:"sha256"`
	KeyID    string `json:"key_id"`
	// PublicKey is the key the file was verified with (check verifies
	// again with it, whatever key is registered since).
	PublicKey string    `json:"public_key"`
	Round     Round     `json:"round"`
	AsOf      time.Time `json:"as_of"`
	AuditHead AuditRef  `json:"audit_head"`
	Anchors   Anchors   `json:"anchors"`
	Minutes   Minutes   `json:"minutes"`
	Units     int       `json:"units"`
	Targets   int       `json:"targets"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Source is the provenance of im as a parent's own file names it.
func (im *Imported) Source() Source {
	return Source{Unit: im.Root, Sequence: im.Sequence, SHA256: im.SHA256, KeyID: im.KeyID, Round: im.Round, AuditHead: im.AuditHead}
}
