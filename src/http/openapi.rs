//! Completes the OpenAPI document with what the shared layers answer, which the routes'
//! annotations leave out: every error is a problem (`application/problem+json`), a malformed
//! parameter is a 400, a JSON body can be refused as 400, 413, 415 or 422, and a route that
//! reads a bearer token answers 401 to one that is invalid. Kept in one place so that a new
//! route is described truthfully without repeating these on each of its annotations.

use axum::http::StatusCode;
use utoipa::openapi::path::{Operation, Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, OpenApi, Ref, RefOr, Response, ResponseBuilder,
};

use super::error::PROBLEM_JSON;

/// The name routes use in `security(("bearer" = []))`.
pub const BEARER: &str = "bearer";

/// The document as the server really answers it.
pub fn complete(mut document: OpenApi) -> OpenApi {
    let components = document
        .components
        .get_or_insert_with(|| ComponentsBuilder::new().build());
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some(
                    "The access token from POST /api/v1/auth/login, as `Authorization: Bearer …`.",
                ))
                .build(),
        ),
    );
    for schema in components.schemas.values_mut() {
        if let RefOr::T(schema) = schema {
            forbid_nul(schema);
        }
    }
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(operation);
        }
    }
    document
}

fn complete_operation(operation: &mut Operation) {
    let parameters: Vec<&Parameter> = operation
        .parameters
        .iter()
        .flatten()
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter),
            RefOr::Ref(_) => None,
        })
        .collect();
    // axum refuses a path segment or query string that does not parse into the handler's
    // type before the handler runs; query structs also refuse unknown names.
    let parameter_can_fail = parameters.iter().any(|parameter| {
        matches!(parameter.parameter_in, ParameterIn::Query)
            || (matches!(parameter.parameter_in, ParameterIn::Path) && !is_plain_string(parameter))
    });
    let body_type = |wanted: &str| {
        operation
            .request_body
            .as_ref()
            .is_some_and(|body| match body {
                RefOr::T(body) => body.content.contains_key(wanted),
                RefOr::Ref(_) => false,
            })
    };
    let json_body = body_type("application/json");
    // A form whose parts cannot be read, or that holds a part not named, is a 400.
    let form_body = body_type("multipart/form-data");
    // `security(("bearer" = []))` or the optional `security((), ("bearer" = []))`: either
    // way a token that is present and invalid is refused (`MaybeAuthUser`).
    let reads_token = operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement)
            .ok()
            .and_then(|value| value.get(BEARER).cloned())
            .is_some()
    });

    let has_query = parameters
        .iter()
        .any(|parameter| matches!(parameter.parameter_in, ParameterIn::Query));
    let mut added = Vec::new();
    if parameter_can_fail || json_body || form_body {
        added.push(StatusCode::BAD_REQUEST);
    }
    // Text holding NUL, in a query string too, is a 422 field error (`text.rs`).
    if has_query {
        added.push(StatusCode::UNPROCESSABLE_ENTITY);
    }
    if reads_token {
        added.push(StatusCode::UNAUTHORIZED);
    }
    if json_body {
        added.extend([
            StatusCode::PAYLOAD_TOO_LARGE,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            StatusCode::UNPROCESSABLE_ENTITY,
        ]);
    }
    for parameter in operation.parameters.iter_mut().flatten() {
        if let RefOr::T(Parameter {
            schema: Some(RefOr::T(schema)),
            ..
        }) = parameter
        {
            forbid_nul(schema);
        }
    }
    let responses = &mut operation.responses.responses;
    for status in added {
        responses
            .entry(status.as_str().to_owned())
            .or_insert_with(|| RefOr::T(ResponseBuilder::new().build()));
    }
    for (status, response) in responses.iter_mut() {
        let is_error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (is_error, response) {
            as_problem(status, response);
        }
    }
}

/// Text without NUL, which no field takes (`text.rs`): given to every string that does not
/// already have a pattern of its own (which then excludes NUL itself) or a format.
const NO_NUL: &str = "^[^\\x00]*$";

fn forbid_nul(schema: &mut Schema) {
    match schema {
        Schema::Object(object) => {
            let is_string = match &object.schema_type {
                SchemaType::Type(kind) => *kind == Type::String,
                SchemaType::Array(kinds) => kinds.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            if is_string
                && object.pattern.is_none()
                && object.format.is_none()
                && object.enum_values.is_none()
            {
                object.pattern = Some(NO_NUL.to_owned());
            }
            for property in object.properties.values_mut() {
                if let RefOr::T(property) = property {
                    forbid_nul(property);
                }
            }
        }
        Schema::Array(array) => {
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(items) = &mut array.items
                && let RefOr::T(items) = items.as_mut()
            {
                forbid_nul(items);
            }
        }
        Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(forbid_inline),
        Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(forbid_inline),
        Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(forbid_inline),
        _ => {}
    }
}

fn forbid_inline(schema: &mut RefOr<Schema>) {
    if let RefOr::T(schema) = schema {
        forbid_nul(schema);
    }
}

/// What `problem_layer` makes of every error: a problem, whatever the route annotated.
fn as_problem(status: &str, response: &mut Response) {
    if response.description.is_empty() {
        response.description = status
            .parse::<u16>()
            .ok()
            .and_then(|code| StatusCode::from_u16(code).ok())
            .and_then(|code| code.canonical_reason())
            .unwrap_or("Error")
            .to_owned();
    }
    response.content.clear();
    response.content.insert(
        PROBLEM_JSON.to_owned(),
        RefOr::T(
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        ),
    );
}

/// A path parameter any segment fills, such as `/media/{key}`.
fn is_plain_string(parameter: &Parameter) -> bool {
    match &parameter.schema {
        Some(RefOr::T(Schema::Object(object))) => {
            object.schema_type == Type::String.into()
                && !matches!(
                    object.format,
                    Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))
                )
                && object.enum_values.is_none()
                && object.pattern.is_none()
        }
        _ => false,
    }
}

fn string_type(nullable: bool) -> SchemaType {
    if nullable {
        SchemaType::from_iter([Type::String, Type::Null])
    } else {
        SchemaType::new(Type::String)
    }
}

/// A string field that takes only these values (for `schema_with`, which takes no arguments,
/// each field has a one-line function calling this).
pub fn one_of(values: &[&str], nullable: bool) -> RefOr<Schema> {
    let mut listed: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
    if nullable {
        listed.push(serde_json::Value::Null);
    }
    ObjectBuilder::new()
        .schema_type(string_type(nullable))
        .enum_values(Some(listed))
        .into()
}

/// Text of `min..=max` characters holding something that shows, as `text::visible` checks.
pub fn text(min: usize, max: usize, nullable: bool) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(string_type(nullable))
        .min_length(Some(min))
        .max_length(Some(max))
        // Something that shows, and no NUL.
        .pattern(Some(format!(
            r"^[^\x00]*{}[^\x00]*$",
            super::text::SHOWS_SOMETHING
        )))
        .into()
}

/// `?cursor=`: what a previous page's `nextCursor` holds (unpadded base64url).
pub fn cursor() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(string_type(true))
        .min_length(Some(1))
        .pattern(Some("^[A-Za-z0-9_-]+$"))
        .into()
}
