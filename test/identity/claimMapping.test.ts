import { describe, expect, it } from "vitest";
import { defaultClaimSettings, userFromClaims } from "../../src/identity/claimMapping.ts";
import { fixtureOrganisations } from "../fixtures/release/releaseFixture.ts";

const cis2 = { ...defaultClaimSettings, profile: "cis2" as const, approverActivityCodes: ["B0360"] };
const entra = {
  ...defaultClaimSettings,
  profile: "entra" as const,
  orgClaim: "extension_odsCode",
  groupOrgs: { "0b6f-group": "S3" },
  roleGroups: { "ig-leads": "approver" as const },
};

describe("userFromClaims with the CIS2 profile", () => {
  const token = {
    sub: "ignored-sub",
    nhsid_useruid: "910000000001",
    name: "Ann Analyst",
    idassurancelevel: "3",
    selected_roleid: "555000000002",
    nhsid_nrbac_roles: [
      {
        person_roleid: "555000000001",
        org_code: "S1",
        role_code: "S8000:G8000:R8001",
        activity_codes: ["B0360"],
      },
      {
        person_roleid: "555000000002",
        org_code: "I2",
        role_code: "S8000:G8000:R8003",
        activity_codes: ["B0264"],
      },
    ],
  };
  it("takes the organisation and activities of the selected role, and the type from the hierarchy", () => {
    expect(userFromClaims(token, cis2, fixtureOrganisations)).toEqual({
      subject: "910000000001",
      username: "910000000001",
      name: "Ann Analyst",
      org_code: "I2",
      org_type: "icb",
      role: "viewer",
    });
    expect(
      userFromClaims({ ...token, selected_roleid: "555000000001" }, cis2, fixtureOrganisations),
    ).toMatchObject({
      org_code: "S1",
      org_type: "sub_icb",
      role: "approver",
    });
  });
  it("refuses an identity below the assurance level asked for", () => {
    expect(() => userFromClaims({ ...token, idassurancelevel: "1" }, cis2, fixtureOrganisations)).toThrow(
      /assurance level 1/,
    );
  });
  it("gives no organisation (so the public view) when the selected role is unknown or its organisation is not in the hierarchy", () => {
    expect(userFromClaims({ ...token, selected_roleid: "nope" }, cis2, fixtureOrganisations)).toMatchObject({
      org_code: null,
      org_type: null,
    });
    const elsewhere = {
      ...token,
      nhsid_nrbac_roles: [{ person_roleid: "555000000002", org_code: "ZZZ", activity_codes: [] }],
    };
    expect(userFromClaims(elsewhere, cis2, fixtureOrganisations)).toMatchObject({
      org_code: "ZZZ",
      org_type: null,
    });
  });
});

describe("userFromClaims with the Entra ID profile", () => {
  it("takes the organisation from the configured claim, else from a group mapping, and the role from groups", () => {
    expect(
      userFromClaims(
        { oid: "o-1", preferred_username: "a@nhs.net", extension_odsCode: "P1" },
        entra,
        fixtureOrganisations,
      ),
    ).toMatchObject({
      subject: "o-1",
      username: "a@nhs.net",
      org_code: "P1",
      org_type: "provider",
      role: "viewer",
    });
    expect(
      userFromClaims({ oid: "o-2", groups: ["x", "0b6f-group", "ig-leads"] }, entra, fixtureOrganisations),
    ).toMatchObject({
      org_code: "S3",
      org_type: "sub_icb",
      role: "approver",
    });
  });
  it("never trusts a role or national type claimed by a generic provider", () => {
    const generic = { ...defaultClaimSettings, profile: "generic" as const };
    expect(
      userFromClaims(
        { sub: "s", org_code: "I1", role: "admin", org_type: "national" },
        generic,
        fixtureOrganisations,
      ),
    ).toMatchObject({
      org_type: "icb",
      role: "viewer",
    });
  });
});
