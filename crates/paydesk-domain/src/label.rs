//! A small macro for the closed vocabularies (status, priority, channel, ...): each value
//! has one stable snake_case spelling used in storage, the API and events alike.

/// Declares a closed enum with a stable snake_case name per variant, `as_str`, `ALL`,
/// `FromStr` (error: [`crate::DomainError::UnknownValue`]) and serde as that name.
#[macro_export]
macro_rules! label_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $label)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($label => Ok($name::$variant),)+
                    other => Err($crate::DomainError::UnknownValue {
                        kind: stringify!($name),
                        value: other.chars().take(64).collect(),
                        expected: &[$($label),+],
                    }),
                }
            }
        }
    };
}
