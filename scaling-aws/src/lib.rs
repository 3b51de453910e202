//! AWS components.
