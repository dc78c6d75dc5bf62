//! TypeScript declarations for every type that crosses to the UI, generated
//! from the Rust types. The committed copy is `ui/src/lib/api/bindings.ts`; a
//! test fails when it is stale, and `kizuna-cli bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::domain::duplicates as duplicate;
use crate::interchange::{import, snapshot, table, text, vcard};
use crate::{
    app, backup, brief, calendar, customer, dates, duplicates, error, interchange, ladder,
    measures, promise, purchase, referral, reminder, settings, timeline, touchpoint, undo,
};

macro_rules! declarations {
    ($cfg:expr; $($ty:ty),+ $(,)?) => {
        vec![$(format!("export {}", <$ty as TS>::decl($cfg))),+]
    };
}

/// The whole bindings file.
pub fn typescript() -> String {
    // Ids and Unix seconds fit in a JavaScript number; bigint would make
    // every id awkward in the UI.
    let cfg = &Config::new().with_large_int("number");
    let declarations: Vec<String> = declarations![cfg;
        error::ErrorCode,
        error::FieldErrorCode,
        error::FieldError,
        error::ErrorPayload,
        calendar::PartialDate,
        ladder::Stage,
        customer::Source,
        customer::ContactChannel,
        customer::ImportantDateKind,
        customer::Phone,
        customer::Email,
        customer::Address,
        customer::ImportantDate,
        customer::FamilyMember,
        customer::Extra,
        customer::CustomerProfile,
        customer::CustomerRef,
        customer::Customer,
        customer::CustomerRow,
        customer::CustomerQuery,
        customer::SimilarQuery,
        customer::SimilarCustomer,
        customer::SimilarReason,
        customer::CustomerPage,
        customer::TagCount,
        settings::Language,
        settings::CustomerizationGoal,
        settings::Settings,
        app::AppInfo,
        app::AvailableUpdate,
        app::UpdateProgress,
        duplicate::DuplicateReason,
        duplicate::DuplicateDoubt,
        duplicate::DuplicatePair,
        duplicates::DuplicateList,
        crate::domain::merge::MergeField,
        crate::merge::MergePreview,
        crate::merge::MergeRequest,
        crate::merge::MergeOutcome,
        crate::domain::sync::DavCollection,
        crate::domain::sync::DavDiscovery,
        crate::domain::sync::DavProblem,
        crate::domain::sync::ContactDetails,
        crate::domain::sync::SyncAccount,
        crate::domain::sync::CollectionChoice,
        crate::domain::sync::ConnectRequest,
        crate::domain::sync::SyncEvent,
        crate::domain::sync::SyncLogEntry,
        crate::domain::sync::SyncSummary,
        crate::domain::sync::PullSummary,
        crate::domain::sync::SyncReport,
        crate::domain::sync::SyncProgress,
        crate::domain::sync::SyncPhase,
        crate::domain::greeting::GreetingKind,
        crate::domain::greeting::RecipientRule,
        crate::domain::greeting::AddressProblem,
        crate::domain::greeting::Campaign,
        crate::domain::greeting::CampaignRow,
        crate::domain::greeting::Mourning,
        crate::domain::greeting::CampaignCounts,
        crate::domain::greeting::CampaignView,
        crate::domain::greeting::CampaignSummary,
        crate::domain::greeting::PrintLayout,
        crate::greeting::NewCampaign,
        crate::domain::settings::Sender,
        crate::interchange::address_list::AddressListSummary,
        crate::domain::sync::CalendarSummary,
        crate::unlock::Lock,
        crate::keys::Protection,
        touchpoint::TouchpointKind,
        touchpoint::Direction,
        touchpoint::PromiseInput,
        touchpoint::TouchpointInput,
        touchpoint::Touchpoint,
        touchpoint::LoggedTouchpoint,
        promise::Promise,
        purchase::Channel,
        purchase::PurchaseInput,
        purchase::Purchase,
        purchase::RecordedPurchase,
        referral::ReferralStatus,
        referral::ReferralNode,
        referral::ReferralLink,
        referral::ReferralSummary,
        ladder::PromotionRule,
        ladder::StageChange,
        ladder::PromotionEvidence,
        ladder::PromotionSuggestion,
        timeline::TimelineKind,
        timeline::ReferralRole,
        timeline::TimelineEntry,
        timeline::TimelineItem,
        timeline::GiveAskBalance,
        timeline::Timeline,
        dates::OccasionKind,
        dates::Occasion,
        dates::UpcomingDate,
        brief::PurchaseSummary,
        brief::VisitBrief,
        measures::YearMonth,
        measures::Ratio,
        measures::DashboardQuery,
        measures::MonthRevenue,
        measures::MonthTouches,
        measures::MonthSatisfaction,
        measures::FunnelStep,
        measures::ReferralScore,
        measures::WalkInCap,
        measures::AtRiskBasis,
        measures::AtRiskCustomer,
        measures::Headline,
        measures::Dashboard,
        reminder::ReminderKind,
        reminder::FollowUpKind,
        reminder::FollowUpStep,
        reminder::FollowUpPlan,
        reminder::ReminderCustomer,
        reminder::Reminder,
        reminder::ReminderSection,
        reminder::TodayView,
        reminder::TemplatePreview,
        reminder::DraftLanguage,
        reminder::ReminderTouch,
        reminder::ReminderAction,
        undo::Undo,
        text::TextEncoding,
        interchange::ImportProblemCode,
        interchange::ImportFormat,
        interchange::ImportFile,
        interchange::ImportOptions,
        interchange::ExportFormat,
        interchange::ImportProblem,
        import::ImportAction,
        import::ChangedPart,
        import::PreviewRow,
        import::ImportPreview,
        import::ImportSummary,
        table::ColumnTarget,
        table::ColumnMapping,
        table::CsvPreset,
        table::CsvSheet,
        table::CsvOptions,
        vcard::VcardVersion,
        snapshot::RestoredCounts,
        backup::BackupKind,
        backup::BackupInfo,
        backup::BackupContents,
        backup::RestoreReport,
        app::JobPhase,
        app::JobProgress,
    ];
    // Domain constants the UI needs before asking the core anything.
    let default_direction = touchpoint::TouchpointKind::ALL
        .iter()
        .map(|kind| format!("{}: '{}'", kind.as_str(), kind.default_direction().as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let constants = format!(
        "/** The direction a touchpoint of each kind starts with (editable). */\nexport const DEFAULT_DIRECTION: Record<TouchpointKind, Direction> = {{ {default_direction} }};\n\n/** Every touchpoint kind, in the order the quick log offers them. */\nexport const TOUCHPOINT_KINDS: TouchpointKind[] = [{}];\n",
        touchpoint::TouchpointKind::ALL
            .iter()
            .map(|k| format!("'{}'", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let templates = |language| {
        reminder::draft::TEMPLATE_KEYS
            .iter()
            .map(|key| {
                format!(
                    "    {key}: {}",
                    serde_json::to_string(reminder::draft::default_template(language, key))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let constants = format!(
        "{constants}\n/** The message drafts' built-in templates, by language and key. */\nexport const DEFAULT_TEMPLATES: Record<DraftLanguage, Record<string, string>> = {{\n  ja: {{\n{}\n  }},\n  en: {{\n{}\n  }},\n}};\n",
        templates(reminder::DraftLanguage::Ja),
        templates(reminder::DraftLanguage::En)
    );
    let mut out = String::from(
        "// Generated from the Rust types in src-tauri/core by `kizuna-cli bindings`.\n// Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    out.push_str(&declarations.join("\n\n"));
    out.push_str("\n\n");
    out.push_str(&constants);
    out
}
