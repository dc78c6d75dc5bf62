//! Finding the user's address books and calendars from the address they
//! know (RFC 6764): the address itself if it speaks CardDAV, else its
//! `/.well-known/carddav`; then the user's principal (RFC 5397) and its
//! home sets (RFC 6352, RFC 4791). A new 「絆」 address book or calendar is
//! made in a home set.

use http::Uri;
use kizuna_core::Error;
use kizuna_core::domain::sync::{DavCollection, DavDiscovery, DavProblem};
use libdav::caldav::{CalendarComponent, CreateCalendar, FindCalendarHomeSet, FindCalendars};
use libdav::carddav::{CreateAddressBook, FindAddressBookHomeSet, FindAddressBooks};
use libdav::dav::{CheckSupport, FoundCollection, GetProperty, WebDavClient, WebDavError};
use libdav::names;
use libdav::sd::DiscoverableService;

use crate::connection::{Connection, Http, problem, timed, transport};

/// Which protocol a step is about.
#[derive(Clone, Copy)]
enum Service {
    Contacts,
    Calendars,
}

impl Service {
    fn discoverable(self, base: &Uri) -> DiscoverableService {
        let secure = base.scheme_str() == Some("https");
        match (self, secure) {
            (Service::Contacts, true) => DiscoverableService::CardDavs,
            (Service::Contacts, false) => DiscoverableService::CardDav,
            (Service::Calendars, true) => DiscoverableService::CalDavs,
            (Service::Calendars, false) => DiscoverableService::CalDav,
        }
    }
}

/// A failed request, told as the user is told it: refused credentials,
/// the network, or a server that does not answer as CardDAV does.
pub(crate) fn refused(error: WebDavError<hyper_util::client::legacy::Error>) -> Error {
    match error {
        WebDavError::BadStatusCode(status) if matches!(status.as_u16(), 401 | 403) => {
            problem(DavProblem::WrongPassword, status)
        }
        WebDavError::Request(request) => transport(&request),
        other => problem(DavProblem::NotDavServer, other),
    }
}

/// The address requests for `service` go to: the one given if it speaks
/// the protocol, else where its well-known address leads.
async fn context(connection: &Connection, service: Service) -> Result<WebDavClient<Http>, Error> {
    let webdav = &connection.webdav;
    let base = webdav.base_url.clone();
    let discoverable = service.discoverable(&base);
    let supported = timed(webdav.request(CheckSupport::new(&base, discoverable.access_field())))
        .await?
        .is_ok();
    let mut client = webdav.clone();
    if supported {
        return Ok(client);
    }
    let host = base
        .host()
        .ok_or_else(|| problem(DavProblem::BadAddress, "no host"))?;
    let port = base.port_u16().unwrap_or(discoverable.default_port());
    match timed(webdav.find_context_path(discoverable, host, port)).await? {
        // The password goes wherever the server points: never in the clear
        // over the network.
        Ok(Some(found)) if !secure(&found) => {
            return Err(problem(
                DavProblem::BadAddress,
                format!("redirected to an address without https: {found}"),
            ));
        }
        Ok(Some(found)) => client.base_url = found,
        // No well-known redirect: the address given is tried as it is.
        Ok(None) => {}
        Err(libdav::dav::ResolveContextPathError::Request(request)) => {
            return Err(transport(&request));
        }
        Err(other) => return Err(problem(DavProblem::NotDavServer, other)),
    }
    Ok(client)
}

/// `https://`, or `http://` to this computer.
fn secure(uri: &Uri) -> bool {
    match uri.scheme_str() {
        Some("https") => true,
        Some("http") => matches!(
            uri.host(),
            Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
        ),
        _ => false,
    }
}

/// The user's principal: from the context address, else the server's root.
async fn principal(client: &WebDavClient<Http>) -> Result<String, Error> {
    let found = timed(client.find_current_user_principal())
        .await?
        .map_err(|e| match e {
            libdav::dav::FindCurrentUserPrincipalError::RequestError(e) => refused(e),
            other => problem(DavProblem::NotDavServer, other),
        })?;
    Ok(found.map_or_else(
        || client.base_url.path().to_owned(),
        |uri| uri.path().to_owned(),
    ))
}

/// A collection's display name, or the last part of its path.
async fn named(client: &WebDavClient<Http>, found: FoundCollection) -> DavCollection {
    let name =
        match timed(client.request(GetProperty::new(&found.href, &names::DISPLAY_NAME))).await {
            Ok(Ok(response)) => response.value.filter(|v| !v.trim().is_empty()),
            _ => None,
        };
    let fallback = found
        .href
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    DavCollection {
        name: name.unwrap_or(fallback),
        href: found.href,
    }
}

/// Signs in and finds the user's address books and calendars. A server
/// without CalDAV still serves contacts (`calendar_home` is `None`).
pub async fn discover(connection: &Connection) -> Result<DavDiscovery, Error> {
    connection.probe().await.or_else(|e| match e {
        // The address may be a web site whose well-known address leads on.
        Error::Dav {
            problem: DavProblem::NotDavServer,
            ..
        } => Ok(()),
        other => Err(other),
    })?;

    let contacts = context(connection, Service::Contacts).await?;
    let principal_path = principal(&contacts).await?;
    let homes = timed(contacts.request(FindAddressBookHomeSet::new(&principal_path)))
        .await?
        .map_err(refused)?;
    let home = homes
        .home_sets
        .first()
        .ok_or_else(|| problem(DavProblem::NotDavServer, "no address book home set"))?;
    let contacts_at = server_of(home, &contacts.base_url)?;
    let address_book_home = home.path().to_owned();
    let contacts = connection.at(Some(&contacts_at))?.webdav;
    let found = timed(contacts.request(FindAddressBooks::new(&address_book_home)))
        .await?
        .map_err(refused)?;
    let mut address_books = Vec::new();
    for book in found.addressbooks {
        address_books.push(named(&contacts, book).await);
    }

    let (calendars_at, calendar_home, calendars) = match calendars(connection).await {
        Ok(found) => found,
        // Contacts work without a calendar; a refused password would have
        // been refused above.
        Err(e) => {
            tracing::info!(error = %e, "no calendars on the server");
            (None, None, Vec::new())
        }
    };
    Ok(DavDiscovery {
        contacts_at,
        calendars_at,
        address_book_home,
        address_books,
        calendar_home,
        calendars,
    })
}

/// The calendars' server, home set and calendars.
type FoundCalendars = (Option<String>, Option<String>, Vec<DavCollection>);

async fn calendars(connection: &Connection) -> Result<FoundCalendars, Error> {
    let client = context(connection, Service::Calendars).await?;
    let principal_path = principal(&client).await?;
    let homes = timed(client.request(FindCalendarHomeSet::new(&principal_path)))
        .await?
        .map_err(refused)?;
    let Some(home) = homes.home_sets.first() else {
        return Ok((None, None, Vec::new()));
    };
    let at = server_of(home, &client.base_url)?;
    let home = home.path().to_owned();
    let client = connection.at(Some(&at))?.webdav;
    let found = timed(client.request(FindCalendars::new(&home)))
        .await?
        .map_err(refused)?;
    let mut calendars = Vec::new();
    for calendar in found.calendars {
        calendars.push(named(&client, calendar).await);
    }
    Ok((Some(at), Some(home), calendars))
}

/// The server a home set is on: its own when the server named one (iCloud
/// does), else the one that was asked. Never one without https.
fn server_of(home: &Uri, asked: &Uri) -> Result<String, Error> {
    let on = if home.authority().is_some() {
        home
    } else {
        asked
    };
    let (Some(scheme), Some(authority)) = (on.scheme_str(), on.authority()) else {
        return Err(problem(
            DavProblem::BadAddress,
            "no server for the home set",
        ));
    };
    let server: Uri = format!("{scheme}://{authority}/")
        .parse()
        .map_err(|e| problem(DavProblem::BadAddress, e))?;
    if !secure(&server) {
        return Err(problem(
            DavProblem::BadAddress,
            format!("led to an address without https: {server}"),
        ));
    }
    Ok(server.to_string())
}

/// Makes an address book called `name` in `home` (a fresh path of
/// Kizuna's own, so nothing of the user's is overwritten).
pub async fn create_address_book(
    connection: &Connection,
    home: &str,
    name: &str,
) -> Result<DavCollection, Error> {
    let href = fresh_path(home, "kizuna-contacts");
    timed(
        connection
            .webdav
            .request(CreateAddressBook::new(&href).with_display_name(name)),
    )
    .await?
    .map_err(refused)?;
    Ok(DavCollection {
        href,
        name: name.to_owned(),
    })
}

/// Makes a calendar of events called `name` in `home`.
pub async fn create_calendar(
    connection: &Connection,
    home: &str,
    name: &str,
) -> Result<DavCollection, Error> {
    let href = fresh_path(home, "kizuna-calendar");
    timed(
        connection.webdav.request(
            CreateCalendar::new(&href)
                .with_display_name(name)
                .with_components(&[CalendarComponent::VEvent]),
        ),
    )
    .await?
    .map_err(refused)?;
    Ok(DavCollection {
        href,
        name: name.to_owned(),
    })
}

/// `home` + `stem` + a random suffix + `/`.
fn fresh_path(home: &str, stem: &str) -> String {
    let home = if home.ends_with('/') {
        home.to_owned()
    } else {
        format!("{home}/")
    };
    let unique = uuid::Uuid::new_v4().simple().to_string();
    format!("{home}{stem}-{}/", &unique[..8])
}
