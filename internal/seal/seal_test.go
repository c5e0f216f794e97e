package seal_test

import (
	"bytes"
	"testing"

	"ballot/internal/seal"
)

func TestSealAndOpen(t *testing.T) {
	t.Parallel()
	kp, _ := seal.GenerateKeyPair()
	r, _ := seal.ParseRecipient(kp.Public)
	dk, err := seal.NewDataKey(r)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte(`{"t":"c1","c":{"c1":"tot"}}`)
	a, _ := dk.Seal(msg, []byte("r1/grades"), 256)
	b, _ := dk.Seal(msg, []byte("r1/grades"), 256)
	if bytes.Equal(a, b) || bytes.Contains(a, msg) {
		t.Fatal("sealing is deterministic or shows the plaintext")
	}
	short, _ := dk.Seal([]byte("x"), []byte("r1/grades"), 256)
	if len(short) != len(a) {
		t.Fatalf("lengths %d and %d: padding leaks the length", len(short), len(a))
	}
	id, _ := seal.ParseIdentity(kp.Private)
	o := seal.NewOpener(id)
	defer o.Close()
	if err := o.AddKey(dk.ID, dk.Wrapped); err != nil {
		t.Fatal(err)
	}
	got, err := o.Open(nil, a, []byte("r1/grades"))
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := o.Open(nil, a, []byte("r1/notes")); err == nil {
		t.Fatal("a value opened under another place's aad")
	}
	other, _ := seal.GenerateKeyPair()
	oid, _ := seal.ParseIdentity(other.Private)
	if err := seal.NewOpener(oid).AddKey(dk.ID, dk.Wrapped); err == nil {
		t.Fatal("a wrong identity unwrapped the data key")
	}
}
