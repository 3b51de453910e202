//! Schemas: attributes (plain or nested) and nested blocks, with builders.
//!
//! Builders, by mode:
//!
//! | mode              | typed attribute                        | nested attribute (protocol 6)                          |
//! |-------------------|----------------------------------------|--------------------------------------------------------|
//! | required          | [`Attribute::required`]`(name, ty)`    | [`Attribute::required_nested`]`(name, nesting, attrs)` |
//! | optional          | [`Attribute::optional`]                | [`Attribute::optional_nested`]                         |
//! | computed          | [`Attribute::computed`]                | [`Attribute::computed_nested`]                         |
//! | optional+computed | [`Attribute::optional_computed`]       | [`Attribute::optional_computed_nested`]                |
//!
//! Shorthands [`Attribute::nested_single`], [`Attribute::nested_list`],
//! [`Attribute::nested_set`] and [`Attribute::nested_map`] build an
//! *optional* nested attribute; the mode setters [`Attribute::as_required`],
//! [`Attribute::as_optional`], [`Attribute::as_computed`] and
//! [`Attribute::as_optional_computed`] change the mode of any attribute.
//!
//! A nested attribute (`x = { a = 1 }`, `m = { k = { a = 1 } }`) differs
//! from a nested block (`x { a = 1 }`): it is written with `=`, it may be
//! null as a whole, and it can be computed. Its value is an object
//! ([`ObjectNesting::Single`]), or a list, set or map of objects; each
//! object carries every inner attribute (null when unset), the same
//! contract as the attributes of a block. [`Attribute::ty`] always holds
//! the implied type ([`Attribute::value_type`] recomputes it).

use crate::value::Type;

/// A versioned schema of a provider configuration or of a resource type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

/// A block: attributes and nested block types. Descriptions are markdown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: bool,
}

/// An attribute: a value of a type, or (protocol 6) an object or
/// collection of objects with attributes of their own (`nested`).
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    /// The value's type. For a nested attribute, the type its nesting
    /// implies (see [`Attribute::value_type`]).
    pub ty: Type,
    /// The inner attributes of a nested attribute; None for a typed one.
    pub nested: Option<NestedAttributes>,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    pub write_only: bool,
}

/// The inner attributes of a nested attribute and how its objects repeat.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedAttributes {
    pub nesting: ObjectNesting,
    pub attributes: Vec<Attribute>,
}

/// How the objects of a nested attribute repeat: one object, or a list,
/// set or map (keyed by any string) of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectNesting {
    Single,
    List,
    Set,
    Map,
}

impl NestedAttributes {
    pub fn new(nesting: ObjectNesting, attributes: Vec<Attribute>) -> Self {
        NestedAttributes {
            nesting,
            attributes,
        }
    }

    /// The type of one object: every inner attribute by its value type.
    pub fn object_type(&self) -> Type {
        Type::Object {
            attributes: self
                .attributes
                .iter()
                .map(|a| (a.name.clone(), a.value_type()))
                .collect(),
            optional: Vec::new(),
        }
    }

    /// The type of the whole attribute's value: object (single), or list,
    /// set or map of objects.
    pub fn implied_type(&self) -> Type {
        let object = self.object_type();
        match self.nesting {
            ObjectNesting::Single => object,
            ObjectNesting::List => Type::list(object),
            ObjectNesting::Set => Type::set(object),
            ObjectNesting::Map => Type::map(object),
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    Group,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

impl Attribute {
    fn new(name: &str, ty: Type) -> Self {
        Attribute {
            name: name.to_string(),
            ty,
            nested: None,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            write_only: false,
        }
    }

    /// An attribute the configuration must set.
    pub fn required(name: &str, ty: Type) -> Self {
        Attribute {
            required: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute the configuration may set.
    pub fn optional(name: &str, ty: Type) -> Self {
        Attribute {
            optional: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute only the provider sets.
    pub fn computed(name: &str, ty: Type) -> Self {
        Attribute {
            computed: true,
            ..Self::new(name, ty)
        }
    }

    /// An attribute the configuration may set, defaulted by the provider when
    /// it does not.
    pub fn optional_computed(name: &str, ty: Type) -> Self {
        Attribute {
            optional: true,
            computed: true,
            ..Self::new(name, ty)
        }
    }

    fn new_nested(name: &str, nesting: ObjectNesting, attributes: Vec<Attribute>) -> Self {
        let nested = NestedAttributes::new(nesting, attributes);
        Attribute {
            ty: nested.implied_type(),
            nested: Some(nested),
            ..Self::new(name, Type::Dynamic)
        }
    }

    /// A nested attribute the configuration must set.
    pub fn required_nested(name: &str, nesting: ObjectNesting, attrs: Vec<Attribute>) -> Self {
        Self::new_nested(name, nesting, attrs).as_required()
    }

    /// A nested attribute the configuration may set.
    pub fn optional_nested(name: &str, nesting: ObjectNesting, attrs: Vec<Attribute>) -> Self {
        Self::new_nested(name, nesting, attrs).as_optional()
    }

    /// A nested attribute only the provider sets.
    pub fn computed_nested(name: &str, nesting: ObjectNesting, attrs: Vec<Attribute>) -> Self {
        Self::new_nested(name, nesting, attrs).as_computed()
    }

    /// A nested attribute the configuration may set, defaulted by the
    /// provider when it does not.
    pub fn optional_computed_nested(
        name: &str,
        nesting: ObjectNesting,
        attrs: Vec<Attribute>,
    ) -> Self {
        Self::new_nested(name, nesting, attrs).as_optional_computed()
    }

    /// An optional single nested attribute: `name = { … }`.
    pub fn nested_single(name: &str, attrs: Vec<Attribute>) -> Self {
        Self::optional_nested(name, ObjectNesting::Single, attrs)
    }

    /// An optional list nested attribute: `name = [{ … }, …]`.
    pub fn nested_list(name: &str, attrs: Vec<Attribute>) -> Self {
        Self::optional_nested(name, ObjectNesting::List, attrs)
    }

    /// An optional set nested attribute: `name = [{ … }, …]`, unordered.
    pub fn nested_set(name: &str, attrs: Vec<Attribute>) -> Self {
        Self::optional_nested(name, ObjectNesting::Set, attrs)
    }

    /// An optional map nested attribute: `name = { key = { … }, … }`, keyed
    /// by any string the user chooses.
    pub fn nested_map(name: &str, attrs: Vec<Attribute>) -> Self {
        Self::optional_nested(name, ObjectNesting::Map, attrs)
    }

    fn with_mode(mut self, required: bool, optional: bool, computed: bool) -> Self {
        self.required = required;
        self.optional = optional;
        self.computed = computed;
        self
    }

    /// This attribute, required (and neither optional nor computed).
    pub fn as_required(self) -> Self {
        self.with_mode(true, false, false)
    }

    /// This attribute, optional (not computed).
    pub fn as_optional(self) -> Self {
        self.with_mode(false, true, false)
    }

    /// This attribute, computed only.
    pub fn as_computed(self) -> Self {
        self.with_mode(false, false, true)
    }

    /// This attribute, optional and computed.
    pub fn as_optional_computed(self) -> Self {
        self.with_mode(false, true, true)
    }

    /// The type of this attribute's value: its type, or for a nested
    /// attribute the type its nesting implies (object, or list, set or map
    /// of objects), computed from the inner attributes.
    pub fn value_type(&self) -> Type {
        match &self.nested {
            Some(n) => n.implied_type(),
            None => self.ty.clone(),
        }
    }

    /// An inner attribute of a nested attribute.
    pub fn nested_attribute(&self, name: &str) -> Option<&Attribute> {
        self.nested.as_ref().and_then(|n| n.attribute(name))
    }

    pub fn describe(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
}

impl Block {
    pub fn new(description: &str) -> Self {
        Block {
            description: description.to_string(),
            ..Default::default()
        }
    }

    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn nested(&self, type_name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.type_name == type_name)
    }

    /// The object type a value of this block has on the wire: attributes by
    /// their value type (nested attributes as object, or list, set or map
    /// of objects), nested blocks as object (single/group), list, set or map
    /// of objects.
    pub fn implied_type(&self) -> Type {
        let mut attrs = std::collections::BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.clone(), a.value_type());
        }
        for b in &self.blocks {
            let inner = b.block.implied_type();
            let t = match b.nesting {
                Nesting::Single | Nesting::Group => inner,
                Nesting::List => Type::list(inner),
                Nesting::Set => Type::set(inner),
                Nesting::Map => Type::map(inner),
            };
            attrs.insert(b.type_name.clone(), t);
        }
        Type::Object {
            attributes: attrs,
            optional: Vec::new(),
        }
    }
}

impl NestedBlock {
    pub fn new(type_name: &str, nesting: Nesting, block: Block) -> Self {
        NestedBlock {
            type_name: type_name.to_string(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
        }
    }

    pub fn max_items(mut self, n: i64) -> Self {
        self.max_items = n;
        self
    }

    pub fn min_items(mut self, n: i64) -> Self {
        self.min_items = n;
        self
    }
}

/// A resource type's identity schema (Terraform ≥ 1.12): the attributes
/// that name one remote object for its whole life, versioned apart from
/// the resource schema. `import { to = …, identity = { … } }` sets them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

/// One identity attribute. Exactly one of `required_for_import` and
/// `optional_for_import` is normally set.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityAttribute {
    pub name: String,
    pub ty: Type,
    pub required_for_import: bool,
    pub optional_for_import: bool,
    /// Markdown.
    pub description: String,
}

impl IdentitySchema {
    pub fn new(version: i64, attributes: Vec<IdentityAttribute>) -> Self {
        IdentitySchema {
            version,
            attributes,
        }
    }

    /// The object type identity values have on the wire.
    pub fn object_type(&self) -> Type {
        Type::object(
            self.attributes
                .iter()
                .map(|a| (a.name.clone(), a.ty.clone())),
        )
    }

    pub fn attribute(&self, name: &str) -> Option<&IdentityAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

impl IdentityAttribute {
    /// An attribute an identity import must give.
    pub fn required_for_import(name: &str, ty: Type) -> Self {
        IdentityAttribute {
            name: name.to_string(),
            ty,
            required_for_import: true,
            optional_for_import: false,
            description: String::new(),
        }
    }

    /// An attribute an identity import may give; the provider fills it in
    /// otherwise.
    pub fn optional_for_import(name: &str, ty: Type) -> Self {
        IdentityAttribute {
            required_for_import: false,
            optional_for_import: true,
            ..Self::required_for_import(name, ty)
        }
    }

    pub fn describe(mut self, markdown: &str) -> Self {
        self.description = markdown.to_string();
        self
    }
}
