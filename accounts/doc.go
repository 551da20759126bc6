// Package accounts holds users, passwords, access and refresh tokens, and
// the login rate limits.
package accounts
