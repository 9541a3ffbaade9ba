/**
 * Which operations let the province defer a lookup's access-log commit (gateway/accessReceipts.ts):
 * those whose plan, as @apollo/gateway's planner builds it over the shipped supergraph, calls the
 * province again for entities after every call that can look a person up.
 */
import { readFileSync } from 'node:fs';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { planConfirmsLater } from '../../gateway/accessReceipts.js';
import { shippedManifest } from '../../platform/operationManifest.js';

const supergraph = Supergraph.build(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));
const planner = new QueryPlanner(supergraph);
const planOf = (query: string) => planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(query)));
const shipped = (name: string) => shippedManifest().operations.find((operation) => operation.name === name)!.body;

describe('plans that confirm access-log receipts later', () => {
  it.each([
    ['the duplicate check', 'query($id: String!) { person(idNumber: $id) { annualReview(year: 2024) { verdict } } }'],
    ["the portals' shipped check", shipped('AnnualReviewCheck')],
    ["the portals' shipped eligibility check", shipped('EligibilityCheck')],
    ['two people checked at once', 'query($a: String!, $b: String!) { a: person(idNumber: $a) { annualReview(year: 2024) { verdict } } b: person(idNumber: $b) { annualReview(year: 2023) { verdict } } }'],
    // The later hop confirms every receipt of the operation, the unchecked person's too.
    ['two people looked up at once, one checked', 'query($a: String!, $b: String!) { a: person(idNumber: $a) { annualReview(year: 2024) { verdict } } b: person(idNumber: $b) { idNumberMasked } }'],
  ])('lets the province defer for %s', (_label, query) => {
    expect(planConfirmsLater(planOf(query))).toBe(true);
  });

  it.each([
    ['a lookup answered by the province alone', 'query($id: String!) { person(idNumber: $id) { idNumberMasked key } }'],
    ["a lookup whose last hop is the regions'", 'query($id: String!) { person(idNumber: $id) { records { region found } } }'],
    ['the region registry', '{ regions { code } }'],
    ['a check whose later hop is conditional', 'query($id: String!, $check: Boolean!) { person(idNumber: $id) { annualReview(year: 2024) @include(if: $check) { verdict } } }'],
    ['a claim (a mutation the province answers alone)', 'mutation($id: String!) { claimAnnualReview(input: { idNumber: $id, year: 2025, applicationId: "bz:1" }) { outcome } }'],
  ])('keeps the province waiting for %s', (_label, query) => {
    expect(planConfirmsLater(planOf(query))).toBe(false);
  });
});
