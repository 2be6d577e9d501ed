//! The map of the data: one schema for SQLite and PostgreSQL. Both migration sets in
//! `migrations/` must produce exactly these tables and columns (a test reads every column).

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    counties (layout, number) {
        layout -> Integer,
        number -> Text,
        name -> Text,
    }
}

diesel::table! {
    municipalities (layout, number) {
        layout -> Integer,
        number -> Text,
        name -> Text,
        name_norwegian -> Text,
        county_number -> Text,
    }
}

diesel::table! {
    municipality_population (layout, number, year) {
        layout -> Integer,
        number -> Text,
        year -> Integer,
        population -> BigInt,
    }
}

diesel::table! {
    code_transitions (from_layout, from_number, to_number) {
        from_layout -> Integer,
        from_number -> Text,
        to_number -> Text,
        weight_percent -> Integer,
        note -> Text,
    }
}

diesel::table! {
    governor_offices (code) {
        code -> Text,
        name -> Text,
    }
}

diesel::table! {
    office_counties (layout, county_number) {
        layout -> Integer,
        county_number -> Text,
        office_code -> Text,
    }
}

diesel::table! {
    collaborations (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        layout -> Integer,
        host_number -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        note -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        code -> Nullable<Text>,
    }
}

diesel::table! {
    collaboration_members (collaboration_id, municipality_number) {
        collaboration_id -> BigInt,
        municipality_number -> Text,
        position -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    role_assignments (id) {
        id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        scope -> Text,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (counter) {
        counter -> Text,
        failures -> BigInt,
        last_failure_at -> Timestamp,
        next_attempt_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        record_type -> Text,
        record_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::table! {
    form_templates (id) {
        id -> BigInt,
        code -> Text,
        version -> Integer,
        name -> Text,
        definition -> Text,
        frozen -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rounds (id) {
        id -> BigInt,
        name -> Text,
        template_id -> BigInt,
        period -> Text,
        deadline -> Date,
        reviewer -> Text,
        audience -> Text,
        demo -> Bool,
        created_at -> Timestamp,
        revision -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        round_id -> BigInt,
        org_kind -> Text,
        org_id -> Text,
        org_name -> Text,
        layout -> Integer,
        state -> Text,
        answers -> Text,
        version -> BigInt,
        submitted_at -> Nullable<Timestamp>,
        reviewer_comment -> Text,
        updated_at -> Timestamp,
        override_reason -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        created_at -> Timestamp,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        round_id -> Nullable<BigInt>,
        submission_id -> Nullable<BigInt>,
        sent_at -> Nullable<Timestamp>,
        result -> Text,
        attempts -> Integer,
        last_attempt_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stored_files (sha256) {
        sha256 -> Text,
        size -> BigInt,
        content -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    file_references (id) {
        id -> BigInt,
        sha256 -> Text,
        owner_kind -> Text,
        owner_id -> BigInt,
        field -> Text,
        file_name -> Text,
        content_type -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    grant_schemes (id) {
        id -> BigInt,
        name -> Text,
        owner -> Text,
        budget_chapter -> Text,
        budget_post -> Text,
        recipients -> Text,
        rules -> Text,
        first_year -> Integer,
        last_year -> Nullable<Integer>,
        closed -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        authority -> Text,
        county_decides -> Bool,
        legal_basis -> Text,
        payment_terms -> Text,
        reporting -> Text,
        accept_by -> Nullable<Date>,
        accept_weeks -> Nullable<Integer>,
        application_deadline -> Nullable<Date>,
        requires_budget -> Bool,
        requires_plan -> Bool,
        requires_anchoring -> Bool,
        four_eyes -> Bool,
    }
}

diesel::table! {
    grant_frames (id) {
        id -> BigInt,
        scheme_id -> BigInt,
        year -> Integer,
        amount -> BigInt,
        layout -> Integer,
        population_year -> Nullable<Integer>,
        weights -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    county_allocations (frame_id, county_number) {
        frame_id -> BigInt,
        county_number -> Text,
        county_name -> Text,
        amount -> Nullable<BigInt>,
    }
}

diesel::table! {
    grant_applications (id) {
        id -> BigInt,
        scheme_id -> BigInt,
        year -> Integer,
        applicant_kind -> Text,
        applicant_id -> Text,
        applicant_name -> Text,
        layout -> Integer,
        county_number -> Text,
        applied -> Nullable<BigInt>,
        own_financing -> Nullable<BigInt>,
        declared_other_aid -> Nullable<BigInt>,
        purpose -> Text,
        technologies -> Text,
        target_group -> Text,
        political_anchoring -> Bool,
        administrative_anchoring -> Bool,
        budget -> Text,
        plan -> Text,
        state -> Text,
        historic -> Bool,
        submitted_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

// A historic grant imported once: its scheme, year, recipient and reference.
diesel::table! {
    historic_grant_keys (scheme_id, year, applicant_kind, applicant_id, reference) {
        scheme_id -> BigInt,
        year -> Integer,
        applicant_kind -> Text,
        applicant_id -> Text,
        reference -> Text,
        application_id -> BigInt,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    grant_decisions (id) {
        id -> BigInt,
        application_id -> BigInt,
        granted -> BigInt,
        conditions -> Text,
        target_figures -> Text,
        sub_allocations -> Text,
        aid_type -> Text,
        decided_on -> Date,
        reference -> Text,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        decided_by -> Text,
        target_text -> Text,
        frame_justification -> Text,
    }
}

diesel::table! {
    payment_requests (id) {
        id -> BigInt,
        application_id -> BigInt,
        final_payment -> Bool,
        amount -> BigInt,
        invoice_number -> Text,
        invoice_date -> Date,
        project_code -> Text,
        costs_to_date -> BigInt,
        status_text -> Text,
        report_submission_id -> Nullable<BigInt>,
        state -> Text,
        reviewer_comment -> Text,
        ledger_entry_id -> Nullable<BigInt>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        approved_by -> Nullable<BigInt>,
        approved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        decision_id -> BigInt,
        kind -> Text,
        amount -> BigInt,
        entry_date -> Date,
        note -> Text,
        reverses -> Nullable<BigInt>,
        demo -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_events (id) {
        id -> BigInt,
        event_date -> Date,
        kind -> Text,
        title -> Text,
        demo -> Bool,
        created_at -> Timestamp,
        end_date -> Date,
        start_time -> Nullable<Time>,
        end_time -> Nullable<Time>,
        revision -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_tokens (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    indicators (code) {
        code -> Text,
        definition -> Text,
        builtin -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reported_values (submission_id, element, text) {
        submission_id -> BigInt,
        form_code -> Text,
        element -> Text,
        text -> Text,
        org_kind -> Text,
        org_id -> Text,
        layout -> Integer,
        period_end -> Date,
        number -> Nullable<BigInt>,
    }
}

diesel::table! {
    data_generation (id) {
        id -> Integer,
        generation -> BigInt,
    }
}

diesel::joinable!(rounds -> form_templates (template_id));
diesel::joinable!(reported_values -> submissions (submission_id));
diesel::joinable!(grant_frames -> grant_schemes (scheme_id));
diesel::joinable!(county_allocations -> grant_frames (frame_id));
diesel::joinable!(grant_applications -> grant_schemes (scheme_id));
diesel::joinable!(grant_decisions -> grant_applications (application_id));
diesel::joinable!(ledger_entries -> grant_decisions (decision_id));
diesel::joinable!(payment_requests -> grant_applications (application_id));
diesel::joinable!(file_references -> stored_files (sha256));
diesel::joinable!(submissions -> rounds (round_id));
diesel::joinable!(collaboration_members -> collaborations (collaboration_id));
diesel::joinable!(role_assignments -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(office_counties -> governor_offices (office_code));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    counties,
    municipalities,
    municipality_population,
    code_transitions,
    governor_offices,
    office_counties,
    collaborations,
    collaboration_members,
    users,
    role_assignments,
    sessions,
    login_throttle,
    audit_events,
    form_templates,
    rounds,
    submissions,
    outbox,
    stored_files,
    file_references,
    grant_schemes,
    grant_frames,
    county_allocations,
    grant_applications,
    historic_grant_keys,
    grant_decisions,
    ledger_entries,
    payment_requests,
    calendar_events,
    calendar_tokens,
    indicators,
    reported_values,
    data_generation,
);
