//! The bounds of one run of the validator and what it has used of them.

use std::cell::Cell;

use super::Failure;

/// The bounds of one run of the validator. Figures and reasons:
/// docs/reliability.md, "The validator's limits".
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Evaluation steps in one run, all modules together.
    pub steps: u64,
    /// Nodes of one value (elements, attributes, 16-byte pieces of strings).
    pub value_nodes: u64,
    /// Nesting of one value (a list in a list in ... ).
    pub value_depth: u32,
    /// Bytes of one file read.
    pub file_bytes: u64,
    /// Bytes of all configuration and variables files of one run.
    pub total_bytes: u64,
    /// Module calls nested in each other.
    pub module_depth: usize,
    /// Module instances loaded in one run.
    pub module_instances: usize,
}

pub const LIMITS: Limits = Limits {
    steps: 2_000_000,
    value_nodes: 200_000,
    value_depth: 64,
    file_bytes: 4 << 20,
    total_bytes: 16 << 20,
    module_depth: 16,
    module_instances: 500,
};

/// What one run has used of its [`Limits`].
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    steps: Cell<u64>,
    bytes: Cell<u64>,
    modules: Cell<usize>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(LIMITS)
    }
}

impl Budget {
    pub fn new(limits: Limits) -> Budget {
        Budget {
            limits,
            steps: Cell::new(0),
            bytes: Cell::new(0),
            modules: Cell::new(0),
        }
    }

    pub(super) fn charge(&self, n: u64) -> Result<(), Failure> {
        let used = self.steps.get().saturating_add(n);
        self.steps.set(used);
        if used > self.limits.steps {
            return Err(Failure::Limit(format!(
                "evaluation limit reached: more than {} steps in one run",
                group(self.limits.steps)
            )));
        }
        Ok(())
    }

    /// Spends `n` steps outside an expression (a `dynamic` block's item).
    pub fn spend(&self, n: u64) -> Result<(), String> {
        self.charge(n).map_err(|f| match f {
            Failure::Limit(m) | Failure::Error(m) => m,
            _ => String::new(),
        })
    }

    /// Counts a file's bytes against the per-run total; the message on failure.
    pub fn read_bytes(&self, n: u64) -> Result<(), String> {
        let used = self.bytes.get().saturating_add(n);
        self.bytes.set(used);
        if used > self.limits.total_bytes {
            return Err(format!(
                "size limit reached: more than {} bytes of configuration and variables files in one run",
                group(self.limits.total_bytes)
            ));
        }
        Ok(())
    }

    /// Counts one more module instance; the message on failure.
    pub fn module_instance(&self) -> Result<(), String> {
        let n = self.modules.get() + 1;
        self.modules.set(n);
        if n > self.limits.module_instances {
            return Err(format!(
                "module limit reached: more than {} module instances in one run",
                self.limits.module_instances
            ));
        }
        Ok(())
    }
}

/// A number with thousands separators, for messages.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
