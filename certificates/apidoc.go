package certificates

import "lontar/apidoc"

// APIBodies are the JSON bodies of the certificate routes, for the
// OpenAPI document (the PDF, the VC-JWT and the issuer's JSON-LD profile
// are documented by their routes' summaries).
func APIBodies() map[string]apidoc.Bodies {
	return map[string]apidoc.Bodies{
		"GET /api/v1/me/certificates":                {Response: []View{}},
		"GET /api/v1/certificates/:code":             {Response: View{}},
		"GET /api/v1/certificates/:code/revocations": {Response: RevocationList{}},
		"POST /api/v1/certificates/:code/revoke": {Request: RevokeInput{}, Response: View{},
			Example: RevokeInput{Reason: "Nilai ujian akhir tercatat salah; peserta akan mengulang ujian."}},
		"GET /api/v1/cohorts/:id/certificates": {Response: CohortCertificates{}},
	}
}
