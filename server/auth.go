package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// Role is what an API key may do.
type Role string

// Roles (CONTRACT §4): the wizard submits ports, reviewers decide, admins do both.
const (
	RoleWizard   Role = "wizard"
	RoleReviewer Role = "reviewer"
	RoleAdmin    Role = "admin"
)

// APIKey is one configured key.
type APIKey struct {
	Role Role
	Key  string
	// Tenant names the company the key works for ("role@tenant:key"): its ports are
	// the tenant's, seen by every key of that tenant and no other. A wizard key without
	// a tenant is a tenant of its own; a reviewer key without one reviews every port.
	Tenant string
}

var tenantName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseAPIKeys reads PORTDOCS_API_KEYS: "role:key,role@tenant:key".
func ParseAPIKeys(s string) ([]APIKey, error) {
	var keys []APIKey
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		role, key, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("PORTDOCS_API_KEYS item %d has no role; write role:key with role wizard, reviewer or admin", i+1)
		}
		role, tenant, tenanted := strings.Cut(role, "@")
		if tenanted && !tenantName.MatchString(tenant) {
			return nil, fmt.Errorf("PORTDOCS_API_KEYS item %d: tenant %q must be 1 to 64 letters, digits, dots, dashes or underscores", i+1, tenant)
		}
		switch Role(role) {
		case RoleWizard, RoleReviewer, RoleAdmin:
		default:
			return nil, fmt.Errorf("PORTDOCS_API_KEYS item %d: unknown role %q; use wizard, reviewer or admin", i+1, role)
		}
		if len(key) < 16 {
			return nil, fmt.Errorf("PORTDOCS_API_KEYS item %d: key shorter than 16 characters; use a long random key (openssl rand -hex 24)", i+1)
		}
		keys = append(keys, APIKey{Role: Role(role), Key: key, Tenant: tenant})
	}
	return keys, nil
}

// RandomKey makes a new API key.
func RandomKey() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// principal is the authenticated caller.
type principal struct {
	Role Role
	// Actor names the caller in timelines and logs without revealing the key:
	// the role and the first 8 hex digits of the key's SHA-256.
	Actor string
	// Tenant is the key's tenant ("" without one).
	Tenant string
}

// owner is what a port created by this caller belongs to: its tenant, or the key itself.
func (p principal) owner() string {
	if p.Tenant != "" {
		return "tenant:" + p.Tenant
	}
	return p.Actor
}

// seesAll: admins, and reviewers who work for no one tenant.
func (p principal) seesAll() bool {
	return p.Role == RoleAdmin || p.Role == RoleReviewer && p.Tenant == ""
}

// owns says whether the caller may see and act on the port at all (issue 17.6);
// a port that is not theirs answers 404, as one that does not exist.
func (p principal) owns(r *Record) bool { return p.seesAll() || r.owner() == p.owner() }

const principalKey = "portdocs.principal"

// authenticate checks the bearer key against every configured key in constant time
// (every key is compared, so timing says nothing about which one was close). With s,
// unknown keys count against the client and a locked-out client is refused (429)
// before its key is compared; a success does not reset the count, so a caller holding
// one valid key cannot interleave it to keep guessing others.
func authenticate(keys []APIKey, s *Server) echo.MiddlewareFunc {
	type hashed struct {
		role   Role
		sum    [32]byte
		actor  string
		tenant string
	}
	hs := make([]hashed, len(keys))
	for i, k := range keys {
		sum := sha256.Sum256([]byte(k.Key))
		hs[i] = hashed{role: k.Role, sum: sum, actor: string(k.Role) + "/" + hex.EncodeToString(sum[:4]), tenant: k.Tenant}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if s != nil {
				if e := s.throttled(c); e != nil {
					return e
				}
			}
			h := c.Request().Header.Get(echo.HeaderAuthorization)
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || token == "" {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="portdocs"`)
				return errorf(http.StatusUnauthorized, "unauthorized", "", "missing API key; send Authorization: Bearer KEY")
			}
			sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
			var found *hashed
			for i := range hs {
				if subtle.ConstantTimeCompare(sum[:], hs[i].sum[:]) == 1 {
					found = &hs[i]
				}
			}
			if found == nil {
				if s != nil {
					s.failedSignIn(c)
				}
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="portdocs", error="invalid_token"`)
				return errorf(http.StatusUnauthorized, "unauthorized", "", "unknown API key")
			}
			c.Set(principalKey, principal{Role: found.role, Actor: found.actor, Tenant: found.tenant})
			return next(c)
		}
	}
}

// allow lets only the given roles (admin always) through.
func allow(roles ...Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := who(c)
			if p.Role == RoleAdmin {
				return next(c)
			}
			for _, r := range roles {
				if p.Role == r {
					return next(c)
				}
			}
			e := errorf(http.StatusForbidden, "forbidden", "", "the %s role may not do this", p.Role)
			e.Err = ErrForbidden
			return e
		}
	}
}

func who(c echo.Context) principal {
	p, _ := c.Get(principalKey).(principal)
	return p
}

// ownPort answers 404 for a port the caller does not own, before its handler runs.
func (s *Server) ownPort(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.records.get(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		if !who(c).owns(r) {
			return errorf(http.StatusNotFound, "not_found", "", "port %s not found", r.ID)
		}
		return next(c)
	}
}

// seesInternal reports whether the caller may read internal notes.
func seesInternal(c echo.Context) bool {
	r := who(c).Role
	return r == RoleReviewer || r == RoleAdmin
}
