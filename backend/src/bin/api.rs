//! The API Lambda: `POST /convert`, `GET /jobs/{id}`, `GET /prefixes` behind API Gateway's
//! Cognito authorizer. The event goes to the same handlers the local stack serves.

fn main() -> Result<(), lambda_runtime::Error> {
    backend::lambda::main(|backend, event| async move { backend.api_gateway(&event).await })
}
