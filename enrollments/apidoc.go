package enrollments

import (
	"encoding/json"

	"lontar/apidoc"
)

// APIBodies are the bodies of the enrollment and sync routes, for the
// OpenAPI document.
func APIBodies() map[string]apidoc.Bodies {
	pending := 2
	return map[string]apidoc.Bodies{
		"POST /api/v1/courses/:id/enroll":                   {Response: EnrollmentView{}},
		"POST /api/v1/courses/:id/lessons/:lesson/complete": {Response: EnrollmentView{}},
		"GET /api/v1/me/enrollments":                        {Response: []EnrollmentView{}},
		"GET /api/v1/me/enrollments/:course":                {Response: EnrollmentView{}},
		"POST /api/v1/sync": {Request: syncRequest{}, Response: syncResponse{}, Example: syncRequest{Pending: &pending, Events: []json.RawMessage{
			json.RawMessage(`{"id":"6f1c7c9e-8a51-4c1e-9a52-1f0e2b3c4d5e","type":"lesson_completed","occurred_at":"2026-05-04T01:20:00Z","course_id":"pembukuan-sederhana","lesson_id":"pembukuan-sederhana-m1-l1"}`),
			json.RawMessage(`{"id":"0b9f5c1e-7d2a-4f61-9c3e-5a8b7c6d5e4f","type":"quiz_submitted","occurred_at":"2026-05-04T01:31:00Z","quiz_id":"pembukuan-sederhana-pretest","answers":{"q1":"b"}}`)}}},
	}
}
