package health

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Fingerprint returns the hex SHA-256 of cfg's canonical encoding: the JSON that
// MarshalConfig writes (fields in declaration order, map keys sorted, numbers in
// their shortest exact form, no insignificant space). Two configurations with
// the same content have the same fingerprint whatever their source's layout;
// any change of a weight, bound, label or name changes it.
func Fingerprint(cfg Config) (string, error) {
	b, err := MarshalConfig(cfg)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// MarshalConfig encodes cfg as canonical JSON, the form ParseConfig reads back
// to an equal Config. It fails only on numbers JSON cannot hold (NaN, ±Inf).
func MarshalConfig(cfg Config) ([]byte, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("health: encoding the configuration: %w", err)
	}
	return b, nil
}

// cloneConfig deep-copies cfg through its canonical encoding.
func cloneConfig(cfg Config) (Config, error) {
	b, err := MarshalConfig(cfg)
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("health: copying the configuration: %w", err)
	}
	return c, nil
}
