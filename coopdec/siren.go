package coopdec

// ValidateSIREN checks a SIREN, the 9-digit INSEE number of every French
// legal entity, local authorities included. Spaces are ignored, including
// the non-breaking ones French typography puts in "216 901 231".
//
// The last digit is a Luhn check digit. La Poste (356000000) is famous for
// breaking the rule, but only for its SIRETs; its SIREN passes Luhn.
func ValidateSIREN(s string) error {
	digits := make([]byte, 0, 9)
	for _, c := range s {
		switch {
		case c == ' ' || c == '\u00a0' || c == '\u202f':
		case c >= '0' && c <= '9' && len(digits) < 9:
			digits = append(digits, byte(c))
		default:
			return FieldError("siren", "org.siren.format")
		}
	}
	if len(digits) != 9 {
		return FieldError("siren", "org.siren.format")
	}
	// 000000000 passes Luhn but is a placeholder, never an INSEE number.
	if !luhn(digits) || string(digits) == "000000000" {
		return FieldError("siren", "org.siren.checksum")
	}
	return nil
}

// luhn reports whether the ASCII digits pass the Luhn check: doubling every
// second digit from the right, the digit sum is a multiple of 10.
func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
