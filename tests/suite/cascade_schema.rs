// The seed shapes: code hosting (seed 001), hosting (seed 000), a multi-tenant platform's
// payments under two parents (seed 003), commute routes (seed 004), and a self-referencing
// comment tree.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    hub_repos (id) {
        id -> Integer,
        slug -> Text,
        fork_parent_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

diesel::table! {
    hub_issues (id) {
        id -> Integer,
        repo_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Integer>,
    }
}

diesel::table! {
    hub_issue_comments (id) {
        id -> Integer,
        issue_id -> Integer,
        body -> Text,
        is_deleted -> Bool,
    }
}

diesel::table! {
    hub_proposals (id) {
        id -> Integer,
        repo_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hub_proposal_comments (id) {
        id -> Integer,
        proposal_id -> Integer,
        body -> Text,
        is_deleted -> Bool,
    }
}

diesel::table! {
    hub_webhooks (id) {
        id -> Integer,
        repo_id -> Integer,
        url -> Text,
    }
}

diesel::table! {
    merchants (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::table! {
    stores (id) {
        id -> Integer,
        subdomain -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    hosted_sites (id) {
        id -> Integer,
        merchant_id -> Integer,
        store_id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    store_pages (id) {
        id -> Integer,
        store_id -> Integer,
        title -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stations (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    routes (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    route_segments (id) {
        id -> Integer,
        route_id -> Integer,
        station_id -> Integer,
        sequence -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    schedules (id) {
        id -> Integer,
        route_id -> Integer,
        departs -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    station_index (id) {
        id -> Integer,
        route_id -> Integer,
        station_id -> Integer,
    }
}

diesel::table! {
    notification_preferences (id) {
        id -> Integer,
        route_id -> Integer,
        channel -> Text,
        is_deleted -> Bool,
    }
}

diesel::table! {
    notification_log (id) {
        id -> Integer,
        route_id -> Integer,
        message -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
        quoted_id -> Nullable<Integer>,
        body -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    comment_reactions (id) {
        id -> Integer,
        comment_id -> Integer,
        emoji -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    soft_delete_flag_stamps (table_name, row_key) {
        table_name -> Text,
        row_key -> Text,
        stamp -> Timestamp,
    }
}

diesel::joinable!(hub_issues -> hub_repos (repo_id));
diesel::joinable!(hub_issue_comments -> hub_issues (issue_id));
diesel::allow_tables_to_appear_in_same_query!(hub_repos, hub_issues, hub_issue_comments);

// Seed 001: repo -> issues (timestamp) -> comments (flag); repo -> proposals -> comments (flag);
// webhooks are hard-deleted with the repo; forks outlive their upstream (keep).

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = hub_repos)]
#[soft_delete(deleted_by = deleted_by)]
#[cascade(HubIssue, HubProposal, HubWebhook(hard))]
#[cascade(Self(keep, foreign_key = hub_repos::fork_parent_id))]
pub struct HubRepo {
    pub id: i32,
    pub slug: String,
    pub fork_parent_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<i32>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = hub_issues, belongs_to(HubRepo, foreign_key = repo_id))]
#[soft_delete(deleted_by = deleted_by, parent = HubRepo)]
#[cascade(HubIssueComment)]
pub struct HubIssue {
    pub id: i32,
    pub repo_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<i32>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = hub_issue_comments, belongs_to(HubIssue, foreign_key = issue_id))]
#[soft_delete(flag = is_deleted, parent = HubIssue)]
pub struct HubIssueComment {
    pub id: i32,
    pub issue_id: i32,
    pub body: String,
    pub is_deleted: bool,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = hub_proposals, belongs_to(HubRepo, foreign_key = repo_id))]
#[soft_delete(parent = HubRepo)]
#[cascade(HubProposalComment)]
pub struct HubProposal {
    pub id: i32,
    pub repo_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = hub_proposal_comments, belongs_to(HubProposal, foreign_key = proposal_id))]
#[soft_delete(flag = is_deleted, parent = HubProposal)]
pub struct HubProposalComment {
    pub id: i32,
    pub proposal_id: i32,
    pub body: String,
    pub is_deleted: bool,
}

/// Not soft-deletable: the repo's edge says `hard`.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations)]
#[diesel(table_name = hub_webhooks, belongs_to(HubRepo, foreign_key = repo_id))]
pub struct HubWebhook {
    pub id: i32,
    pub repo_id: i32,
    pub url: String,
}

// Seed 000: a hosted site owns its store (the key sits on the site); the store owns its pages;
// the merchant is shared and never touched.

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = merchants)]
pub struct Merchant {
    pub id: i32,
    pub name: String,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = hosted_sites, belongs_to(Merchant), belongs_to(Store))]
#[cascade(Store(owned))]
pub struct HostedSite {
    pub id: i32,
    pub merchant_id: i32,
    pub store_id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = stores)]
#[soft_delete(parent = HostedSite)]
#[cascade(StorePage)]
pub struct Store {
    pub id: i32,
    pub subdomain: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = store_pages, belongs_to(Store))]
#[soft_delete(parent = Store)]
pub struct StorePage {
    pub id: i32,
    pub store_id: i32,
    pub title: String,
    pub deleted_at: Option<NaiveDateTime>,
}

diesel::table! {
    tenant_domains (id) {
        id -> Integer,
        name -> Text,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tenant_profiles (id) {
        id -> Integer,
        domain_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tenant_end_users (id) {
        id -> Integer,
        domain_id -> Integer,
        profile_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tenant_payments (id) {
        id -> Integer,
        domain_id -> Integer,
        end_user_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    tenant_notes (id) {
        id -> Integer,
        domain_id -> Integer,
        author_id -> Nullable<Integer>,
        parent_id -> Nullable<Integer>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(tenant_payments -> tenant_domains (domain_id));
diesel::allow_tables_to_appear_in_same_query!(
    tenant_domains,
    tenant_profiles,
    tenant_end_users,
    tenant_payments,
    tenant_notes
);

// Seed 003: a domain has end users and payments; a payment also hangs off the end user who
// made it, so a domain's delete reaches it by two paths.

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = tenant_domains)]
#[cascade(TenantEndUser, TenantPayment, TenantNote, TenantProfile)]
pub struct TenantDomain {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(
    table_name = tenant_end_users,
    belongs_to(TenantDomain, foreign_key = domain_id),
    belongs_to(TenantProfile, foreign_key = profile_id)
)]
#[soft_delete(parent = TenantDomain)]
#[cascade(
    TenantPayment,
    TenantNote(foreign_key = tenant_notes::author_id),
    TenantProfile(owned)
)]
pub struct TenantEndUser {
    pub id: i32,
    pub domain_id: i32,
    pub profile_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// An end user's profile, kept by its domain: owned by the end user (who holds its key), and
/// under the domain as well.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = tenant_profiles, belongs_to(TenantDomain, foreign_key = domain_id))]
#[soft_delete(parent = TenantDomain)]
#[soft_delete(parent = TenantEndUser)]
pub struct TenantProfile {
    pub id: i32,
    pub domain_id: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(
    table_name = tenant_payments,
    belongs_to(TenantDomain, foreign_key = domain_id),
    belongs_to(TenantEndUser, foreign_key = end_user_id)
)]
#[soft_delete(parent = TenantDomain)]
#[soft_delete(parent = TenantEndUser)]
pub struct TenantPayment {
    pub id: i32,
    pub domain_id: i32,
    /// `NULL` for a guest payment.
    pub end_user_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A thread of notes: a tree under its domain, each note also under its author.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = tenant_notes, belongs_to(TenantDomain, foreign_key = domain_id))]
#[soft_delete(parent = TenantDomain)]
#[soft_delete(parent = TenantEndUser)]
#[cascade(Self(foreign_key = tenant_notes::parent_id))]
pub struct TenantNote {
    pub id: i32,
    pub domain_id: i32,
    pub author_id: Option<i32>,
    pub parent_id: Option<i32>,
    pub deleted_at: Option<NaiveDateTime>,
}

// Seed 004: a route with segments, schedules, a station index (hard) and notification
// preferences (flag); the notification log outlives its route (keep). A station cannot be deleted
// while live segments stop there.

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = stations)]
#[cascade(RouteSegment(restrict, foreign_key = route_segments::station_id))]
pub struct Station {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = routes)]
#[cascade(
    RouteSegment,
    Schedule,
    StationIndexEntry(hard),
    NotificationPreference,
    NotificationLogEntry(keep)
)]
pub struct Route {
    pub id: i32,
    pub name: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = route_segments, belongs_to(Route))]
#[soft_delete(parent = Route)]
pub struct RouteSegment {
    pub id: i32,
    pub route_id: i32,
    pub station_id: i32,
    pub sequence: i32,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = schedules, belongs_to(Route))]
#[soft_delete(parent = Route)]
pub struct Schedule {
    pub id: i32,
    pub route_id: i32,
    pub departs: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations)]
#[diesel(table_name = station_index, belongs_to(Route))]
pub struct StationIndexEntry {
    pub id: i32,
    pub route_id: i32,
    pub station_id: i32,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = notification_preferences, belongs_to(Route))]
#[soft_delete(flag = is_deleted, parent = Route)]
pub struct NotificationPreference {
    pub id: i32,
    pub route_id: i32,
    pub channel: String,
    pub is_deleted: bool,
}

/// Belongs to a route but is deliberately not in its cascade: the log outlives the route.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations)]
#[diesel(table_name = notification_log, belongs_to(Route))]
pub struct NotificationLogEntry {
    pub id: i32,
    pub route_id: i32,
    pub message: String,
}

// A self-referencing tree: replies cascade through the whole subtree, and so do their reactions.
// A comment may quote another; the quote is kept when the quoted comment goes.

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, SoftDelete)]
#[diesel(table_name = comments)]
#[cascade(Self(foreign_key = comments::parent_id), Reaction)]
#[cascade(Self(keep, foreign_key = comments::quoted_id))]
pub struct Comment {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub quoted_id: Option<i32>,
    pub body: String,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Associations, SoftDelete,
)]
#[diesel(table_name = comment_reactions, belongs_to(Comment))]
#[soft_delete(parent = Comment)]
pub struct Reaction {
    pub id: i32,
    pub comment_id: i32,
    pub emoji: String,
    pub deleted_at: Option<NaiveDateTime>,
}
