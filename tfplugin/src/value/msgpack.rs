//! msgpack codec (Terraform's DynamicValue.msgpack).
