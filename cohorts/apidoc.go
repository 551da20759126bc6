package cohorts

import (
	"lontar"
	"lontar/apidoc"
)

// APIBodies are the bodies of the cohort routes, for the OpenAPI document.
func APIBodies() map[string]apidoc.Bodies {
	return map[string]apidoc.Bodies{
		"POST /api/v1/cohorts": {Request: CohortInput{}, Response: CohortView{}, Example: CohortInput{Name: "Penenun Oesapa Mei",
			CourseIDs: []string{"jualan-online"}, StartsOn: "2026-05-04", EndsOn: "2026-06-30", Region: "5371040"}},
		"GET /api/v1/cohorts":                                 {Response: []CohortView{}},
		"GET /api/v1/cohorts/:id":                             {Response: CohortView{}},
		"GET /api/v1/cohorts/:id/roster":                      {Response: []RosterEntry{}},
		"POST /api/v1/cohorts/join":                           {Request: joinRequest{}, Response: joinedView{}, Example: joinRequest{Code: "K7QX-93MP"}},
		"GET /api/v1/join/:code":                              {Response: InvitationPreview{}},
		"GET /api/v1/me/invitations":                          {Response: []InvitationView{}},
		"POST /api/v1/cohorts/:id/participants/:user_id/code": {Response: lontar.OneTimeCode{}},
		"POST /api/v1/me/invitations/:cohort_id/accept":       {Response: acceptedView{}},
		"POST /api/v1/cohorts/:id/participants/import":        {Response: importView{}},
	}
}
