package feedback

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// A survey's token is the HMAC of a random nonce under the instance's
// secret key: 256 bits nobody can guess, good for one survey only. The
// table keeps the nonce (to show an agent the link again) and the token's
// SHA-256 (to find the survey from a link), never the token: reading the
// database without the key answers no survey.

// newNonce returns a fresh random nonce.
func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// token makes the token of nonce.
func (s *Service) token(nonce string) string {
	mac := hmac.New(sha256.New, s.key)
	// The prefix keeps these MACs apart from any other use of the key.
	mac.Write([]byte("centerdesk feedback survey v1\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// hashToken is what the table stores to find a token's survey.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed rejects what cannot be a token before any query.
func wellFormed(token string) bool {
	if len(token) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}
