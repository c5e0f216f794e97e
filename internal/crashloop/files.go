package crashloop

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
)

func writeKey(path, key string) error {
	return os.WriteFile(path, []byte("# the counting committee's key\n"+key+"\n"), 0o600)
}

func hashHex(receipt string) string {
	sum := sha256.Sum256([]byte(receipt))
	return hex.EncodeToString(sum[:])
}
