package quizzes

import (
	"encoding/json"

	"lontar/apidoc"
)

// APIBodies are the bodies of the quiz routes, for the OpenAPI document.
func APIBodies() map[string]apidoc.Bodies {
	return map[string]apidoc.Bodies{
		"POST /api/v1/quizzes":             {Request: Quiz{}, Response: Quiz{}},
		"GET /api/v1/quizzes/:id":          {Response: apidoc.OneOf{LearnerQuiz{}, Quiz{}}},
		"PUT /api/v1/quizzes/:id":          {Request: Quiz{}, Response: Quiz{}},
		"POST /api/v1/quizzes/import":      {Response: Imported{}},
		"GET /api/v1/courses/:id/quizzes":  {Response: []Summary{}},
		"GET /api/v1/quizzes/:id/attempts": {Response: []attemptResponse{}},
		"POST /api/v1/quizzes/:id/attempts": {Request: Submission{}, Response: attemptResponse{}, Example: Submission{
			AttemptID: "3d5c2a10-9b7e-4f1a-8c2d-6e4b0a9f1c33",
			Answers:   map[string]json.RawMessage{"saldo-kas": json.RawMessage(`470000`), "pisah-uang": json.RawMessage(`"b"`)}}},
	}
}
