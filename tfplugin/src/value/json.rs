//! JSON codec (raw state, DynamicValue.json).
