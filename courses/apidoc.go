package courses

import (
	"lontar"
	"lontar/apidoc"
)

// APIBodies are the bodies of the courses routes, for the OpenAPI document.
func APIBodies() map[string]apidoc.Bodies {
	example := CourseInput{Topic: "content", Title: lontar.T("Foto produk tenun", "Photographing ikat"),
		Summary: lontar.T("Memotret kain tenun dengan cahaya pagi.", "Photographing ikat in morning light."),
		Modules: []ModuleInput{{Title: lontar.T("Cahaya", "Light"), Lessons: []LessonInput{{Title: lontar.T("Cahaya pagi", "Morning light"),
			Body: lontar.T("Foto kain **dekat jendela** sebelum jam 9.", "Photograph the cloth **by a window** before 9."), EstMinutes: 6}}}}}
	return map[string]apidoc.Bodies{
		"GET /api/v1/courses":                        {Response: []courseView{}},
		"POST /api/v1/courses":                       {Request: CourseInput{}, Response: Course{}, Example: example},
		"GET /api/v1/courses/:id":                    {Response: courseView{}},
		"PUT /api/v1/courses/:id":                    {Request: CourseInput{}, Response: Course{}, Example: example},
		"GET /api/v1/courses/:id/draft":              {Response: Course{}},
		"POST /api/v1/courses/:id/publish":           {Response: courseView{}},
		"GET /api/v1/courses/:id/lessons/:lesson_id": {Response: lessonView{}},
		"POST /api/v1/courses/:id/copy":              {Response: Course{}},
		"POST /api/v1/courses/preview":               {Request: previewRequest{}, Response: previewResponse{}, Example: previewRequest{Markdown: "## Harga sei\n\nHPP **Rp75.000**", Lang: "id"}},
	}
}
