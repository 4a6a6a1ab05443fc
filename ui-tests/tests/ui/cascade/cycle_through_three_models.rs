// A longer cycle is found too, and reported once.
use chrono::NaiveDateTime;
use diesel::prelude::*;
use soft_delete_core::SoftDelete;

diesel::table! {
    orgs (id) {
        id -> Integer,
        team_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    repos (id) {
        id -> Integer,
        org_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    teams (id) {
        id -> Integer,
        repo_id -> Integer,
        deleted_at -> Nullable<Timestamp>,
    }
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = orgs, belongs_to(Team))]
#[soft_delete(parent = Team)]
#[cascade(Repo)]
struct Org {
    id: i32,
    team_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = repos, belongs_to(Org))]
#[soft_delete(parent = Org)]
#[cascade(Team)]
struct Repo {
    id: i32,
    org_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Identifiable, Associations, SoftDelete)]
#[diesel(table_name = teams, belongs_to(Repo))]
#[soft_delete(parent = Repo)]
#[cascade(Org)]
struct Team {
    id: i32,
    repo_id: i32,
    deleted_at: Option<NaiveDateTime>,
}

fn main() {}
