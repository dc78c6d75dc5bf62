//! The season's greetings as a campaign: who gets a card (or a gift) this
//! year, who is left out for mourning and offered a 寒中見舞い instead, whose
//! card came, and sending — one give touchpoint per recipient, in one
//! undoable action.

pub use crate::domain::greeting::*;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::domain::reminder::state::{Status, UserState};
use crate::domain::reminder::{DraftLanguage, OccurrenceKey};
use crate::domain::touchpoint::{Direction, TouchpointInput};
use crate::error::{Error, FieldError, FieldErrorCode, Result};
pub use crate::interchange::address_list::{self, AddressListSummary};
use crate::store::rows::Row;
use crate::store::{Store, Tx, customers, greetings, reminder_states, touchpoints};
use crate::undo::{Capture, Undo};

/// A campaign to open: its kind, year, and who it starts with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewCampaign {
    pub kind: GreetingKind,
    pub year: i32,
    pub rule: RecipientRule,
}

fn check_year(year: i32) -> Result<()> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(Error::Validation(vec![FieldError::with_limit(
            "year",
            FieldErrorCode::OutOfRange,
            i64::from(*YEARS.end()),
        )]))
    }
}

impl Store {
    /// Opens the campaign of a kind and year: made, with the customers the
    /// rule chooses, if there is none yet (a New Year one leaves out those
    /// in mourning); else the one there is, as it stands.
    pub fn open_campaign(&mut self, new: &NewCampaign, clock: &Clock) -> Result<CampaignView> {
        check_year(new.year)?;
        if let Some(found) = greetings::find(self.conn(), new.kind, new.year)? {
            return self.campaign(found.id);
        }
        let tx = self.begin()?;
        let id = greetings::insert(&tx, new.kind, new.year, clock.timestamp())?;
        let rule = &new.rule;
        let stages: Vec<i64> = rule.stages.iter().map(|s| s.rung()).collect();
        let bought_since = rule
            .purchased_within_months
            .and_then(|n| clock.today().checked_sub_months(Months::new(n)))
            .map(|day| clock.instant_on(day, 0));
        let last_year = if rule.last_year {
            let mourned_in = (new.kind == GreetingKind::Nengajo).then_some(new.year - 1);
            greetings::find(&tx, new.kind, new.year - 1)?.map(|c| (c.id, mourned_in))
        } else {
            None
        };
        let mut chosen = greetings::chosen(&tx, &stages, &rule.tags, bought_since, last_year)?;
        if new.kind == GreetingKind::Nengajo {
            let mourning: Vec<i64> = greetings::mourning(&tx, new.year)?
                .into_iter()
                .map(|m| m.customer_id)
                .collect();
            chosen.retain(|c| !mourning.contains(c));
        }
        greetings::list(&tx, id, &chosen)?;
        self.commit(tx)?;
        self.campaign(id)
    }

    /// A campaign as its page shows it.
    pub fn campaign(&self, id: i64) -> Result<CampaignView> {
        let campaign = greetings::load(self.conn(), id)?;
        let rows = greetings::rows(self.conn(), id)?;
        let (recipients, others): (Vec<CampaignRow>, Vec<CampaignRow>) =
            rows.into_iter().partition(|r| r.listed);
        let received_unlisted: Vec<CampaignRow> = others
            .into_iter()
            .filter(|r| r.received_on.is_some())
            .collect();
        let in_mourning = if campaign.kind == GreetingKind::Nengajo {
            greetings::mourning(self.conn(), campaign.year)?
        } else {
            Vec::new()
        };
        let counts = counts(&recipients, received_unlisted.len());
        Ok(CampaignView {
            campaign,
            recipients,
            received_unlisted,
            in_mourning,
            counts,
        })
    }

    /// Every campaign, the newest year first, with how it stands.
    pub fn campaigns(&self) -> Result<Vec<CampaignSummary>> {
        greetings::all(self.conn())?
            .into_iter()
            .map(|campaign| {
                let view = self.campaign(campaign.id)?;
                Ok(CampaignSummary {
                    campaign,
                    counts: view.counts,
                })
            })
            .collect()
    }

    /// Puts a customer on a campaign's list (by hand).
    pub fn add_to_campaign(&mut self, id: i64, customer: i64) -> Result<CampaignView> {
        let tx = self.begin()?;
        let campaign = greetings::load(&tx, id)?;
        customers::require(&tx, customer)?;
        if campaign.kind == GreetingKind::Nengajo
            && greetings::mourning(&tx, campaign.year)?
                .iter()
                .any(|m| m.customer_id == customer)
        {
            return Err(Error::Validation(vec![FieldError::new(
                "customer",
                FieldErrorCode::NotAllowed,
            )]));
        }
        greetings::list(&tx, id, &[customer])?;
        self.commit(tx)?;
        self.campaign(id)
    }

    /// Takes a customer off a campaign's list (their card, if it came, is
    /// still known).
    pub fn remove_from_campaign(&mut self, id: i64, customer: i64) -> Result<CampaignView> {
        let tx = self.begin()?;
        greetings::load(&tx, id)?;
        greetings::unlist(&tx, id, customer)?;
        self.commit(tx)?;
        self.campaign(id)
    }

    /// Notes that a customer's card came on `on` (`None`: it did not after
    /// all); someone not on the list is shown as owed a card back.
    pub fn mark_card_received(
        &mut self,
        id: i64,
        customer: i64,
        on: Option<NaiveDate>,
    ) -> Result<CampaignView> {
        let tx = self.begin()?;
        greetings::load(&tx, id)?;
        customers::require(&tx, customer)?;
        greetings::received(&tx, id, customer, on)?;
        self.commit(tx)?;
        self.campaign(id)
    }

    /// Marks every card (or gift) of the list not yet sent as sent: one
    /// give touchpoint each, in the customer's language, in one action that
    /// undo takes back whole. `None` when there was nothing left to send.
    pub fn mark_campaign_sent(&mut self, id: i64, clock: &Clock) -> Result<Option<Undo>> {
        let mut tx = self.begin()?;
        let campaign = greetings::load(&tx, id)?;
        let unsent = greetings::unsent(&tx, id)?;
        if unsent.is_empty() {
            return Ok(None);
        }
        let mut capture = Capture::new("mark_campaign_sent");
        capture.rows(
            &tx,
            "campaign_recipients",
            "campaign_id = ?1",
            &[&campaign.id],
        )?;
        let at = clock.timestamp();
        for (row, customer, language) in unsent {
            let language = DraftLanguage::parse(&language).unwrap_or(DraftLanguage::Ja);
            let touchpoint = send(&mut tx, &campaign, customer, language, clock)?;
            capture.created("touchpoints", touchpoint);
            greetings::sent(&tx, row, at, touchpoint)?;
        }
        close_season_reminder(&mut tx, &mut capture, &campaign, clock)?;
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        tracing::info!(campaign = id, "campaign sent");
        Ok(Some(undo))
    }

    /// Notes a 喪中はがき from a customer: no New Year card for `year`
    /// (they leave that year's list if they were on it, unsent).
    pub fn note_mourning(
        &mut self,
        customer: i64,
        year: i32,
        noted_on: NaiveDate,
        who: &str,
    ) -> Result<()> {
        check_year(year)?;
        let who = who.trim();
        if who.chars().count() > 200 {
            return Err(Error::Validation(vec![FieldError::with_limit(
                "who",
                FieldErrorCode::TooLong,
                200,
            )]));
        }
        let tx = self.begin()?;
        customers::require(&tx, customer)?;
        greetings::mourn(&tx, customer, year, noted_on, who)?;
        if let Some(nengajo) = greetings::find(&tx, GreetingKind::Nengajo, year)? {
            greetings::unlist(&tx, nengajo.id, customer)?;
        }
        self.commit(tx)?;
        Ok(())
    }

    /// Takes back a mourning noted by mistake.
    pub fn clear_mourning(&mut self, customer: i64, year: i32) -> Result<()> {
        let tx = self.begin()?;
        greetings::unmourn(&tx, customer, year)?;
        self.commit(tx)?;
        Ok(())
    }

    /// Writes the campaign's list for an address-printing program (筆まめ,
    /// 筆王: CSV in CP932) to `target`, all or nothing.
    pub fn export_campaign(&self, id: i64, target: &std::path::Path) -> Result<AddressListSummary> {
        let view = self.campaign(id)?;
        let mut rows = Vec::with_capacity(view.recipients.len());
        for recipient in &view.recipients {
            let customer = customers::load(self.conn(), recipient.customer_id)?;
            rows.push(address_list::row(
                &customer.profile,
                recipient.address.as_ref(),
            ));
        }
        let (bytes, summary) = address_list::write(&rows)?;
        crate::fs::write_atomically(target, |out| Ok(out.write_all(&bytes)?))?;
        Ok(summary)
    }

    /// For a New Year campaign: the year's 寒中見舞い (sent after 松の内),
    /// opened with everyone left out for mourning on its list.
    pub fn propose_kanchu_mimai(&mut self, nengajo: i64, clock: &Clock) -> Result<CampaignView> {
        let campaign = greetings::load(self.conn(), nengajo)?;
        let winter = self.open_campaign(
            &NewCampaign {
                kind: GreetingKind::KanchuMimai,
                year: campaign.year,
                rule: RecipientRule::default(),
            },
            clock,
        )?;
        let tx = self.begin()?;
        let mourning: Vec<i64> = greetings::mourning(&tx, campaign.year)?
            .into_iter()
            .map(|m| m.customer_id)
            .collect();
        greetings::list(&tx, winter.campaign.id, &mourning)?;
        self.commit(tx)?;
        self.campaign(winter.campaign.id)
    }
}

/// Logs the card (or gift) sent to one customer.
fn send(
    tx: &mut Tx<'_>,
    campaign: &Campaign,
    customer: i64,
    language: DraftLanguage,
    clock: &Clock,
) -> Result<i64> {
    let input = TouchpointInput {
        customer_id: customer,
        kind: campaign.kind.touchpoint_kind(),
        occurred_at: clock.timestamp(),
        summary: campaign.kind.sent_summary(campaign.year, language),
        notes: String::new(),
        direction: Direction::Give,
        satisfaction: None,
        promise: None,
    };
    touchpoints::insert(tx, &input, clock)
}

/// The season's cards are sent: its "prepare the cards" reminder is done
/// (unless the user already dealt with it), and comes back with an undo.
fn close_season_reminder(
    tx: &mut Tx<'_>,
    capture: &mut Capture,
    campaign: &Campaign,
    clock: &Clock,
) -> Result<()> {
    let Some(season) = campaign.kind.prepared_in() else {
        return Ok(());
    };
    let key = OccurrenceKey::Season {
        season,
        year: campaign.year,
    }
    .to_string();
    let open = reminder_states::of_keys(tx, std::slice::from_ref(&key))?
        .get(&key)
        .is_none_or(|state| state.status == Status::Snoozed);
    if open {
        let mut state_key = Row::new();
        state_key.insert("occurrence_key".to_owned(), key.as_str().into());
        capture.row(tx, "reminder_states", state_key)?;
        let done = UserState {
            status: Status::Done,
            snoozed_until: None,
            acted_at: clock.timestamp(),
        };
        reminder_states::set(tx, &key, None, &done)?;
    }
    Ok(())
}
