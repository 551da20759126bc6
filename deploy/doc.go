// Package deploy holds tests of the deployment files.
package deploy
