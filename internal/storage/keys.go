package storage

import "encoding/binary"

// The layout. Top-level buckets; each round is a bucket in bRounds holding
// its record under kRound and a sub-bucket per kind of record.
var (
	bMeta   = []byte("meta")
	bUsers  = []byte("users")
	bTokens = []byte("tokens")
	bAudit  = []byte("audit")
	bRounds = []byte("rounds")

	topBuckets = [][]byte{bMeta, bUsers, bTokens, bAudit, bRounds}

	kSchema = []byte("schema")
	kRound  = []byte("round")

	bForms = []byte("forms")
	bUnits = []byte("units")

	// Per-code data, erased at count: the code records and (until open)
	// the clear codes. The code key was kept here until schema 3; it is now
	// in the key file (codekeys.go).
	kCodeKey = []byte("codekey")
	bCodes   = []byte("codes")
	bClear   = []byte("clear")

	bBatches  = []byte("batches")
	bDataKeys = []byte("datakeys")

	// Counted data.
	bTally    = []byte("tally")
	bComments = []byte("comments")
	bReceipts = []byte("receipts")
)

// Kind is a kind of sealed record. Grades and comments are kept apart, each
// under its own random keys, so neither can be matched with the other.
type Kind []byte

// The kinds of sealed records.
var (
	Grades = Kind("grades")
	Notes  = Kind("notes")
)

func u64(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func fromU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
