package server

import (
	"net/http"
	"strings"
	"testing"
)

const (
	otherWizardKey  = "wizard-key-other-0123456789abcdef"
	acmeWizardKey1  = "wizard-key-acme1-0123456789abcdef"
	acmeWizardKey2  = "wizard-key-acme2-0123456789abcdef"
	acmeReviewerKey = "reviewer-key-acme-0123456789abcdef"
)

// A port belongs to the key that created it, or to that key's tenant: another wizard
// key gets 404 on every route of it and does not see it in lists; keys of one tenant
// share its ports; admins and untenanted reviewers see every port (issue 17.6).
func TestPortsBelongToTheirKeyOrTenant(t *testing.T) {
	e := newTestEnv(t, func(c *Config) {
		c.APIKeys = append(c.APIKeys, APIKey{Role: RoleWizard, Key: otherWizardKey},
			APIKey{Role: RoleWizard, Key: acmeWizardKey1, Tenant: "acme"}, APIKey{Role: RoleWizard, Key: acmeWizardKey2, Tenant: "acme"},
			APIKey{Role: RoleReviewer, Key: acmeReviewerKey, Tenant: "acme"})
	})
	id := e.signedPort() // by wizardKey
	if rec := e.uploadBill(id, fakeBill("999999999999")); rec.Code != http.StatusCreated {
		t.Fatalf("bill: %d", rec.Code)
	}
	routes := []struct{ method, path, ct, body string }{
		{"GET", "/v1/ports/" + id, "", ""},
		{"POST", "/v1/ports/" + id + "/loa", "", ""},
		{"GET", "/v1/ports/" + id + "/check", "", ""},
		{"GET", "/v1/ports/" + id + "/notes", "", ""},
		{"POST", "/v1/ports/" + id + "/notes", "application/json", `{"message":"hi"}`},
		{"POST", "/v1/ports/" + id + "/cancel", "application/json", `{"reason":"mine now"}`},
		{"GET", "/v1/ports/" + id + "/documents/" + getPort(t, e, id).Documents[0].Name, "", ""},
		{"POST", "/v1/ports/" + id + "/bill", "", ""},
		{"GET", "/v1/ports/" + id + "/archive.zip", "", ""},
		{"POST", "/v1/ports/" + id + "/review", "application/json", `{"decision":"approve","note":"x","check":"` + getPort(t, e, id).LatestCheck + `"}`},
	}
	for _, key := range []string{otherWizardKey, acmeWizardKey1, acmeReviewerKey} {
		for _, r := range routes {
			rec := e.do(r.method, r.path, key, r.ct, strings.NewReader(r.body))
			if rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
				t.Errorf("%s… %s %s: %d, want 404 (or 403 for the role)", key[:16], r.method, r.path, rec.Code)
			}
		}
	}
	if st := getPort(t, e, id).Status; st != StatusInReview {
		t.Fatalf("another key changed the port: %s", st)
	}
	// The owner, admins and untenanted reviewers see it.
	for _, key := range []string{wizardKey, adminKey, reviewerKey} {
		if rec := e.do("GET", "/v1/ports/"+id, key, "", nil); rec.Code != http.StatusOK {
			t.Errorf("%s…: %d, want 200", key[:10], rec.Code)
		}
	}
	if q := e.do("GET", "/v1/reviews", acmeReviewerKey, "", nil).Body.String(); strings.Contains(q, id) {
		t.Error("a tenant's reviewer sees another owner's port in the queue")
	}
	if q := e.do("GET", "/v1/reviews", reviewerKey, "", nil).Body.String(); !strings.Contains(q, id) {
		t.Error("the untenanted reviewer does not see the port in the queue")
	}

	// One tenant, two keys: the port is the tenant's.
	rec := e.do("POST", "/v1/ports", acmeWizardKey1, "application/json", strings.NewReader(validRequest))
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct{ ID string }
	mustJSON(t, rec.Body.Bytes(), &created)
	for key, want := range map[string]int{acmeWizardKey2: 200, acmeReviewerKey: 200, wizardKey: 404, otherWizardKey: 404} {
		if rec := e.do("GET", "/v1/ports/"+created.ID, key, "", nil); rec.Code != want {
			t.Errorf("acme's port with %s…: %d, want %d", key[:16], rec.Code, want)
		}
	}
}

func TestParseTenantKeys(t *testing.T) {
	keys, err := ParseAPIKeys("wizard@acme-co:0123456789abcdef0, reviewer:fedcba98765432100")
	if err != nil || len(keys) != 2 || keys[0].Tenant != "acme-co" || keys[0].Role != RoleWizard || keys[1].Tenant != "" {
		t.Fatalf("%+v, %v", keys, err)
	}
	if _, err := ParseAPIKeys("wizard@bad tenant:0123456789abcdef0"); err == nil || !strings.Contains(err.Error(), "tenant") {
		t.Errorf("a bad tenant name: %v", err)
	}
}

// A record written before owners were kept belongs to the key that created it.
func TestLegacyRecordBelongsToItsCreator(t *testing.T) {
	r := &Record{CreatedBy: "wizard/aaaa1111"}
	if !(principal{Role: RoleWizard, Actor: "wizard/aaaa1111"}).owns(r) || (principal{Role: RoleWizard, Actor: "wizard/bbbb2222"}).owns(r) {
		t.Error("a legacy record's owner is not its creator")
	}
}
