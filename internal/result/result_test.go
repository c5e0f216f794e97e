package result

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"ballot/internal/apperr"
	"ballot/internal/rounds"
	"ballot/internal/tally"
)

func sample() *File {
	return &File{
		Format: Format, Version: Version, Sequence: 42,
		AsOf:      time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC),
		AuditHead: AuditRef{Seq: 42, Hash: "ab"},
		Round:     Round{ID: "r", Title: "Đánh giá 2026", Year: 2026, MinGroupSize: 3},
		Root:      "T",
		Units:     []rounds.Unit{{ID: "T", Name: "Tỉnh"}, {ID: "T1", Parent: "T", Name: "Huyện"}},
		Ratings:   []Rating{{Unit: "T1", Level: "htt"}},
		Targets:   []tally.Figures{{Unit: "T1", Form: "f", Withheld: true}},
	}
}

// The same content gives the same bytes, and reading them back gives the
// same content: what a parent stores is what the child signed.
func TestEncodeIsDeterministicAndReadsBack(t *testing.T) {
	a, err := sample().Encode()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sample().Encode()
	if !bytes.Equal(a, b) {
		t.Fatal("one content, two encodings")
	}
	f, err := Parse(a)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := f.Encode()
	if !bytes.Equal(a, c) {
		t.Fatalf("read back and encoded again, the file changed:\n%s\n%s", a, c)
	}
	if !bytes.Contains(a, []byte("\n{\"unit\":\"T1\",\"form\"")) {
		t.Fatalf("a target is not on a line of its own:\n%s", a)
	}
}

func TestParseRefusesWhatIsNotAResultFile(t *testing.T) {
	good, _ := sample().Encode()
	for name, data := range map[string][]byte{
		"unknown field":  bytes.Replace(good, []byte(`"root":`), []byte(`"extra":1,"root":`), 1),
		"trailing data":  append(append([]byte{}, good...), []byte("{}")...),
		"other version":  bytes.Replace(good, []byte(`"version":1`), []byte(`"version":2`), 1),
		"other format":   bytes.Replace(good, []byte(`"ballot-result"`), []byte(`"ballot-results"`), 1),
		"not JSON":       []byte("PK\x03\x04"),
		"over the limit": append(bytes.Repeat([]byte(" "), MaxSize), good...),
	} {
		_, err := Parse(data)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.Invalid {
			t.Errorf("%s: %v, want an invalid error", name, err)
		}
	}
}

// A signature verifies its file with its key only: one byte changed, or
// another key, and it does not; Debian's minisign checks the same files in
// cmd/ballot's TestSignedResultsThroughTheCommandLine.
func TestASignatureHoldsForItsFileAndKeyOnly(t *testing.T) {
	secret, public, err := NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParseSigningKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	if key.PublicKey() != public {
		t.Fatal("the key's public half is not the one made with it")
	}
	pub, err := ParsePublicKey(public)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := sample().Encode()
	sig := key.Sign(file, "round r\nunit T")
	if id, err := SignatureKeyID(sig); err != nil || id != key.KeyID() {
		t.Fatalf("signature names key %q (%v), want %q", id, err, key.KeyID())
	}
	if !strings.Contains(string(sig), "trusted comment: round r unit T") {
		t.Fatalf("the trusted comment is not one line:\n%s", sig)
	}
	if !Verify(pub, file, sig) {
		t.Fatal("a good signature does not verify")
	}
	for i := range file {
		if i%97 != 0 {
			continue
		}
		edited := bytes.Clone(file)
		edited[i] ^= 1
		if Verify(pub, edited, sig) {
			t.Fatalf("byte %d changed and the signature still verifies", i)
		}
	}
	_, other, _ := NewSigningKey()
	otherPub, _ := ParsePublicKey(other)
	if Verify(otherPub, file, sig) {
		t.Fatal("another key verifies the signature")
	}
	if _, err := SignatureKeyID([]byte("untrusted comment: x\nnot a signature")); err == nil {
		t.Fatal("garbage read as a signature")
	}
	if _, err := ParsePublicKey("RWQ not a key"); err == nil {
		t.Fatal("garbage read as a public key")
	}
	if _, err := ParseSigningKey([]byte("not a key")); err == nil {
		t.Fatal("garbage read as a secret key")
	}
}
