//! Schemas: attributes and nested blocks, with builders.

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

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    pub write_only: bool,
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
    /// their type, nested blocks as object (single/group), list, set or map
    /// of objects.
    pub fn implied_type(&self) -> Type {
        let mut attrs = std::collections::BTreeMap::new();
        for a in &self.attributes {
            attrs.insert(a.name.clone(), a.ty.clone());
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
