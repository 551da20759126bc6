package accounts

import (
	"lontar"
	"lontar/apidoc"
)

// APIBodies are the bodies of the accounts routes, for the OpenAPI document.
func APIBodies() map[string]apidoc.Bodies {
	return map[string]apidoc.Bodies{
		"POST /api/v1/auth/register": {Request: RegisterInput{}, Response: session{}, Example: RegisterInput{
			Phone: "0812 3456 7890", Name: "Maria Bunga", Password: "sei-sapi-oebobo",
			Profile: ProfileInput{BusinessName: "Sei Ibu Maria", Sector: "kuliner", Region: "5371030", Gender: "f", BirthYear: 1984}}},
		"POST /api/v1/auth/login":     {Request: LoginInput{}, Response: session{}, Example: LoginInput{Phone: "0812 3456 7890", Password: "sei-sapi-oebobo"}},
		"POST /api/v1/auth/refresh":   {Request: TokenInput{}, Response: session{}},
		"POST /api/v1/auth/logout":    {Request: TokenInput{}},
		"POST /api/v1/auth/activate":  {Request: ActivateInput{}, Response: session{}, Example: ActivateInput{Phone: "0813 3900 1122", Code: "K7QX-93MP", Password: "tenun-buna-oesapa"}},
		"GET /api/v1/me":              {Response: User{}},
		"PATCH /api/v1/me":            {Request: UpdateMe{}, Response: User{}},
		"POST /api/v1/users":          {Request: CreateUserInput{}, Response: User{}},
		"GET /api/v1/users/:id":       {Response: User{}},
		"POST /api/v1/users/:id/code": {Response: lontar.OneTimeCode{}},
	}
}
