#import <UIKit/UIKit.h>

NS_ASSUME_NONNULL_BEGIN

@interface AppDelegate : UIResponder <UIApplicationDelegate>

@property (strong, nonatomic) UIWindow *window;
@property (nonatomic, copy, readonly) NSString *buildIdentifier;

- (void)resetApplicationState;

@end

NS_ASSUME_NONNULL_END
